import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamRedactor } from '../../src/core/redact-stream.js';
import { redactSecrets } from '../../src/core/redact.js';

const SECRETS = [
  'sk-proj-abcdefghijklmnop1234567890',
  'ghp_abcdefghijklmnopqrstuvwxyz0123',
  'AKIAABCDEFGHIJKLMNOP',
  'Bearer abcdefghijklmnopqrstuvwxyz012345',
  'API_KEY=supersecretvalue123',
  '"token": "abcdefgh12345678"',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdef\n-----END RSA PRIVATE KEY-----',
];

/** Splits `text` at the given cut points (fractions of its length). */
function pieces(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

function stream(parts: string[]): string {
  const r = new StreamRedactor();
  return parts.map((p) => r.push(p)).join('') + r.flush();
}

describe('StreamRedactor', () => {
  it('redacts a stream cut anywhere exactly as it redacts the whole text, so no secret gets through', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SECRETS), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (secret, cuts) => {
        const text = `the model says ${secret} and goes on talking`;
        const out = stream(pieces(text, cuts));
        expect(out).toBe(redactSecrets(text));
        expect(out).not.toContain(secret);
        expect(out).toContain('[REDACTED]');
      }),
    );
  });

  it('emits ordinary text as it comes, holding back only the word still being written', () => {
    const r = new StreamRedactor();
    expect(r.push('hello wor')).toBe('hello ');
    expect(r.push('ld and more')).toBe('world and ');
    expect(r.flush()).toBe('more');
  });

  it('releases a runaway word once it passes the hold limit (redacted), so memory stays bounded', () => {
    const r = new StreamRedactor(16);
    expect(r.push('x'.repeat(10))).toBe('');
    expect(r.push('x'.repeat(10))).toBe('x'.repeat(20));
  });
});
