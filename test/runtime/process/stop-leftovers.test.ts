import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../../src/runtime/process/pid-alive.js';
import { stopProcessesUnder } from '../../../src/runtime/process/stop-leftovers.js';

async function gone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return !isProcessAlive(pid);
}

function ppidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe.skipIf(process.platform !== 'linux')('stopProcessesUnder (reads /proc: Linux only)', () => {
  it('kills an orphaned process group working in the directory and spares a live parent’s child', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omk-leftovers-'));
    const inside = path.join(dir, 'wt');
    spawnSync('mkdir', ['-p', inside]);
    // An orphan: its launcher exits at once, so it is re-parented to init, in a group of its own.
    const launched = spawnSync('sh', ['-c', `cd '${inside}' && setsid sleep 60 > /dev/null 2>&1 & echo $!`], { encoding: 'utf8' });
    const orphan = Number(launched.stdout.trim());
    // A process whose parent (this test) is alive, also working inside: like a person's shell.
    const kept = spawn('sleep', ['60'], { cwd: inside, detached: true, stdio: 'ignore' });
    await new Promise((resolve) => kept.once('spawn', resolve));
    const deadline = Date.now() + 5_000;
    while (ppidOf(orphan) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    const stopped = stopProcessesUnder(dir);
    expect(stopped).toContain(orphan);
    expect(stopped).not.toContain(kept.pid);
    expect(await gone(orphan)).toBe(true);
    expect(isProcessAlive(kept.pid!)).toBe(true);
    kept.kill('SIGKILL');
  });

  it('finds nothing in a directory nobody works in', () => {
    expect(stopProcessesUnder(mkdtempSync(path.join(tmpdir(), 'omk-leftovers-')))).toEqual([]);
  });
});
