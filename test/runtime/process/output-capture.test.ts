import { describe, expect, it } from 'vitest';
import { createOutputCapture } from '../../../src/runtime/process/output-capture.js';
import { runProcess } from '../../../src/runtime/process/index.js';
import { childEnv, fixture } from './helpers.js';

describe('output capture', () => {
  it('keeps everything under the cap, whatever the chunking', () => {
    const capture = createOutputCapture(64);
    const bytes = Buffer.from('日本語 text');
    for (let i = 0; i < bytes.length; i++) capture.push(bytes.subarray(i, i + 1));
    expect(capture.finish()).toEqual({ text: '日本語 text', bytes: bytes.length, truncated: false });
  });

  it('keeps exactly the cap when the output equals it', () => {
    const capture = createOutputCapture(8);
    capture.push(Buffer.from('12345678'));
    expect(capture.finish()).toEqual({ text: '12345678', bytes: 8, truncated: false });
  });

  it('keeps head and tail with a marker and the true byte count', () => {
    const capture = createOutputCapture(10);
    capture.push(Buffer.from('HEAD-'));
    for (let i = 0; i < 100; i++) capture.push(Buffer.from('middle'));
    capture.push(Buffer.from('-TAIL'));
    const out = capture.finish();
    expect(out.truncated).toBe(true);
    expect(out.bytes).toBe(610);
    expect(out.text.startsWith('HEAD-\n[omk: 600 bytes omitted')).toBe(true);
    expect(out.text.endsWith('\n-TAIL')).toBe(true);
  });

  it('never cuts a character in half at either cut point', () => {
    const capture = createOutputCapture(7);
    capture.push(Buffer.from('ab日本語本語cd日x'));
    const out = capture.finish();
    expect(out.truncated).toBe(true);
    expect(out.text).not.toContain('\uFFFD');
    expect(out.text.startsWith('ab')).toBe(true);
    expect(out.text.endsWith('日x')).toBe(true);
  });

  it('caps a 50 MB flood, keeping head, tail and the true count', async () => {
    const total = 50 * 1024 * 1024;
    const cap = 64 * 1024;
    const result = await runProcess({
      command: process.execPath,
      args: [fixture('flood-stdout.mjs'), String(total)],
      env: childEnv,
      maxOutputBytes: cap,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdoutBytes).toBe(total);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stdout.startsWith('HEAD-MARK\n')).toBe(true);
    expect(result.stdout.endsWith('TAIL-MARK\n')).toBe(true);
    expect(result.stdout).toContain(`bytes omitted; ${total} bytes in all]`);
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(cap + 100);
    expect(result.stderrTruncated).toBe(false);
  });
});
