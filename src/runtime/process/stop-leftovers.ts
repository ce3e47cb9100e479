import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { signalGroup } from './process-group.js';

/**
 * Stops processes left running in `dir` by a controller that was killed outright (SIGKILL gives it no
 * chance to stop its gates and agents, which run in process groups of their own). Finds them by their
 * working directory under `dir` through /proc, and kills a process group only when it is orphaned —
 * its leader is gone or was re-parented to init — so a person's shell sitting in a worktree is never
 * touched. Linux only: elsewhere it finds nothing. Returns the pids it stopped.
 */
export function stopProcessesUnder(dir: string): number[] {
  const root = path.resolve(dir);
  const ownGroup = groupOf(process.pid);
  const stopped: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return stopped;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${name}/cwd`);
    } catch {
      continue; // gone, a zombie, or not ours to read
    }
    if (cwd !== root && !cwd.startsWith(`${root}/`)) continue;
    const group = groupOf(pid);
    if (group === undefined || group === ownGroup || group <= 1 || !orphaned(group)) continue;
    signalGroup(group, 'SIGKILL');
    stopped.push(pid);
  }
  return stopped;
}

/** `state ppid pgrp …` from /proc/<pid>/stat, read after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function groupOf(pid: number): number | undefined {
  const pgrp = Number(statFields(pid)?.[2]);
  return Number.isInteger(pgrp) ? pgrp : undefined;
}

/** The group's leader is gone, or its parent died and it was re-parented to init. */
function orphaned(group: number): boolean {
  const leader = statFields(group);
  return leader === undefined || Number(leader[1]) === 1;
}
