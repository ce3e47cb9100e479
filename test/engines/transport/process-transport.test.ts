import { describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import { ProcessTransport } from '../../../src/engines/transport/index.js';
import type { TransportCloseInfo, TransportError } from '../../../src/engines/transport/index.js';
import { processAndGroupGone, tempDir } from '../acp/helpers.js';

const ECHO = `
process.stderr.write('echo peer ready\\n');
process.stdout.write('garbage line\\n');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  for (let i = buf.indexOf('\\n'); i !== -1; i = buf.indexOf('\\n')) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const m = JSON.parse(line);
    if (m.exit) { process.stderr.write('exiting 3\\n'); process.exit(3); }
    process.stdout.write(JSON.stringify({ echo: m }) + '\\n');
  }
});`;

function echoTransport(): ProcessTransport {
  return new ProcessTransport({ command: process.execPath, args: ['-e', ECHO], cwd: tempDir(), env: { PATH: process.env.PATH ?? '' }, graceMs: 300 });
}

describe('ProcessTransport', () => {
  it('sends and receives messages in order; garbage is a non-fatal error; a peer exit closes once with the stderr tail', async () => {
    const t = echoTransport();
    const messages: unknown[] = [];
    const errors: TransportError[] = [];
    const closes: TransportCloseInfo[] = [];
    let gotThree!: () => void;
    const three = new Promise<void>((r) => (gotThree = r));
    t.onmessage = (m) => {
      messages.push(m);
      if (messages.length === 3) gotThree();
    };
    t.onerror = (e) => errors.push(e);
    const closed = new Promise<void>((resolve) => {
      t.onclose = (info) => {
        closes.push(info);
        resolve();
      };
    });
    await t.start();
    for (const n of [1, 2, 3]) await t.send({ n });
    await three;
    expect(messages).toEqual([{ echo: { n: 1 } }, { echo: { n: 2 } }, { echo: { n: 3 } }]);
    expect(errors).toEqual([{ kind: 'garbage', line: 'garbage line', message: expect.any(String) as unknown }]);
    await t.send({ exit: true });
    await closed;
    await t.close();
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ reason: 'exited', exitCode: 3 });
    expect(closes[0]!.stderrTail).toContain('exiting 3');
    await expect(t.send({ n: 4 })).rejects.toThrow('transport closed');
  });

  it('close stops the peer and its group', async () => {
    const t = echoTransport();
    const closes: TransportCloseInfo[] = [];
    t.onclose = (info) => closes.push(info);
    await t.start();
    const pid = t.pid!;
    await t.close();
    expect(closes).toEqual([expect.objectContaining({ reason: 'closed' })]);
    expect(processAndGroupGone(pid)).toBe(true);
  });

  it('a missing binary is binary_missing', async () => {
    const t = new ProcessTransport({ command: 'no-such-agent-binary', cwd: tempDir(), env: { PATH: '/nonexistent' } });
    await expect(t.start()).rejects.toSatisfy((e: unknown) => e instanceof OmkError && e.code === 'binary_missing');
  });
});
