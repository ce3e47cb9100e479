import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { REDACTED, redactDeep, redactSecrets } from '../../src/core/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['Moonshot key', 'key is sk-' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4', 'sk-a1B2'],
    ['GitHub classic token', 'token ghp_' + 'A'.repeat(36), 'ghp_'],
    ['GitHub fine-grained token', 'github_pat_' + '11ABCDEFG0' + 'x'.repeat(72), 'github_pat_'],
    ['Slack bot token', 'xoxb-1234567890-0987654321-abcdefABCDEF', 'xoxb-'],
    ['Slack app token', 'xapp-1-A0123456789-1234567890123-' + 'f'.repeat(64), 'xapp-1-A0123'],
    ['Slack rotating token', 'xoxe.xoxp-1-' + 'M'.repeat(40), 'xoxe.xoxp-1-MMMM'],
    ['AWS secret in an ini file', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    [
      'JWT',
      'got eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c ok',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ],
    ['Basic auth header', 'Authorization: Basic dXNlcjpodW50ZXIyaHVudGVyMg==', 'dXNlcjpodW50ZXIy'],
    ['password in a URL', 'cloning https://alice:s3cr3t-Pa55@git.example.com/repo.git', 's3cr3t-Pa55'],
    ['token in a URL', 'remote: https://oauth2:glpat-abcdefghijklmnop@gitlab.com/x.git', 'glpat-abcdefghijklmnop'],
  ])('redacts a %s', (_name, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('redacts a private key whose END line was cut off (truncated output)', () => {
    const text = 'head\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAAAAB';
    const out = redactSecrets(text);
    expect(out).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(out.startsWith('head\n')).toBe(true);
  });

  it('keeps the user name and host of a URL, and leaves URLs without a password alone', () => {
    expect(redactSecrets('https://alice:s3cr3tpass@example.com/x')).toBe(`https://alice:${REDACTED}@example.com/x`);
    expect(redactSecrets('ssh://git@github.com/o/r.git and https://example.com:8080/a')).toBe(
      'ssh://git@github.com/o/r.git and https://example.com:8080/a',
    );
  });

  it('does not touch git shas, UUIDs or ordinary prose', () => {
    const text = [
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'id 123e4567-e89b-12d3-a456-426614174000',
      'Merge: a1b2c3d e4f5a6b',
      'the task-runner skips flaky tests; see docs/basic-usage.md',
      'max_tokens=4096',
      'Basic authentication/authorization is configured in auth.ts',
    ].join('\n');
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('keeps a "__proto__" key as data instead of turning it into the prototype', () => {
    const payload = JSON.parse('{"__proto__": {"note": "hello", "key": "sk-abcdefghijklmnopqrstuvwx"}, "a": 1}') as Record<string, unknown>;
    const out = redactDeep(payload);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(canonicalJson(out)).toBe(`{"__proto__":{"key":"${REDACTED}","note":"hello"},"a":1}`);
  });

  it('redacts what JSON would carry: a Date stays a timestamp instead of becoming {}', () => {
    const out = redactDeep({ at: new Date('2024-05-06T07:08:09.010Z'), note: 'Bearer abcdefghijklmnopqrstuvwxyz' });
    expect(out).toEqual({ at: '2024-05-06T07:08:09.010Z', note: `Bearer ${REDACTED}` });
  });
});

describe('values learned from assignments', () => {
  it('a value redacted as `api_key: …` is redacted later when it comes back bare; code-like values are not learned', () => {
    const value = 'Zq81LmN0pXw4Rt7y';
    expect(redactSecrets(`api_key: ${value}`)).toBe(`api_key: ${REDACTED}`);
    expect(redactSecrets(`the key was ${value}.`)).toBe(`the key was ${REDACTED}.`);
    expect(redactSecrets('TOKEN=process.env.TOKEN')).toBe(`TOKEN=${REDACTED}`);
    expect(redactSecrets('read process.env.TOKEN here')).toBe('read process.env.TOKEN here');
  });
});
