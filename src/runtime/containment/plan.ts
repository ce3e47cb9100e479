import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bwrapWrap, type ContainmentPlan, type ProcessWrap } from '../../core/containment/bwrap.js';
import type { ContainmentMode } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import { probeBwrap } from './probe.js';

/** Agents' own state directories (sessions, caches, logs), writable when they exist. */
const AGENT_STATE = ['.kimi', '.kimi-code', '.gemini', '.cache', '.local/state', '.npm'];
/** Variables naming an agent's state directory. */
const STATE_VARIABLES = ['KIMI_CODE_HOME', 'KIMI_HOME', 'GEMINI_CLI_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'];

/** Which protection is active, for doctor, the goal's event and the docs' promise. */
export interface Containment {
  active: 'bwrap' | 'policy-only';
  mode: ContainmentMode;
  detail: string;
  /** For one session or gate in `cwd` (writable when `writeCwd`): the launcher rewrite, and a cleanup for its temporary directory. Undefined when not active. */
  enter?(cwd: string, writeCwd: boolean, agentEnv?: Readonly<Record<string, string>>): Promise<{ wrap: ProcessWrap; leave: () => Promise<void> }>;
}

export async function resolveContainment(opts: { mode: ContainmentMode; writable: readonly string[]; env: Readonly<Record<string, string | undefined>>; homeDir: string; configFile?: string }): Promise<Containment> {
  if (opts.mode === 'off') return { active: 'policy-only', mode: 'off', detail: 'containment is off ([containment] mode = "off"); the approval policy alone keeps agents in their worktree' };
  const probe = await probeBwrap(opts.env);
  if (!probe.available || probe.bwrap === undefined) {
    if (opts.mode === 'bwrap') {
      throw new OmkError('config_invalid', `[containment] mode = "bwrap" but ${probe.detail}`, { hint: `install bubblewrap and allow user namespaces, or set [containment] mode = "auto" in ${opts.configFile ?? '.omk/config.toml'}` });
    }
    return { active: 'policy-only', mode: opts.mode, detail: `${probe.detail}; the approval policy alone keeps agents in their worktree` };
  }
  const bwrap = probe.bwrap;
  const extra = [
    ...AGENT_STATE.map((d) => path.join(opts.homeDir, d)),
    ...STATE_VARIABLES.flatMap((v) => (opts.env[v] ? [opts.env[v]] : [])),
    ...opts.writable.map((p) => (p === '~' ? opts.homeDir : p.startsWith('~/') ? path.join(opts.homeDir, p.slice(2)) : path.resolve(p))),
  ];
  return {
    active: 'bwrap',
    mode: opts.mode,
    detail: `agents and gates run under bubblewrap (${probe.detail}): the filesystem is read-only outside the worktree`,
    async enter(cwd, writeCwd, agentEnv = {}) {
      const tmp = await mkdtemp(path.join(tmpdir(), 'omk-agent-tmp-'));
      // The engine's own settings may name its state directory (`[engines.X].env.KIMI_CODE_HOME`).
      const own = STATE_VARIABLES.flatMap((v) => (agentEnv[v] ? [path.resolve(agentEnv[v])] : []));
      const plan: ContainmentPlan = { writable: [tmp, ...extra, ...own, ...(writeCwd ? [cwd, ...(await gitWritable(cwd))] : [])], tmpDir: tmp };
      return { wrap: bwrapWrap(bwrap, plan), leave: () => rm(tmp, { recursive: true, force: true }) };
    },
  };
}

/**
 * What a commit on a linked worktree's branch writes in the shared git directory: the worktree's own
 * admin directory (index, HEAD, logs), the object store, and the directory holding its branch ref.
 * Other branches' refs, the config and the hooks stay read-only.
 */
async function gitWritable(worktree: string): Promise<string[]> {
  let pointer: string;
  try {
    pointer = await readFile(path.join(worktree, '.git'), 'utf8');
  } catch {
    return [];
  }
  const m = /^gitdir:\s*(.+)$/m.exec(pointer);
  if (!m) return [];
  const admin = path.resolve(worktree, m[1]!.trim());
  const common = path.resolve(admin, (await readFile(path.join(admin, 'commondir'), 'utf8').catch(() => '../..')).trim());
  const out = [admin, path.join(common, 'objects')];
  const head = /^ref:\s*refs\/heads\/(.+)$/m.exec(await readFile(path.join(admin, 'HEAD'), 'utf8').catch(() => ''));
  if (head) {
    const dir = path.dirname(head[1]!.trim());
    for (const base of [path.join(common, 'refs', 'heads'), path.join(common, 'logs', 'refs', 'heads')]) {
      const d = path.join(base, dir);
      await mkdir(d, { recursive: true });
      out.push(d);
    }
  }
  return out;
}
