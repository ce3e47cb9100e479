/**
 * Making a new worktree ready to run (docs/git-and-worktrees.md "Bootstrap"): the local files listed
 * in `.omk/worktree-include` are copied from the main checkout, kept out of git there, then the
 * configured setup command runs. What happened is evidence: a `worktree.bootstrapped` event and the
 * setup output as redacted, digested artifacts under the goal directory. Failures are values.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDuration } from '../../core/config/duration.js';
import type { EventPayload } from '../../core/events/catalogue.js';
import { redactSecrets } from '../../core/redact.js';
import { formatIncludeProblem, INCLUDE_FILE, parseInclude } from '../../core/worktree/include.js';
import { gitDir, resetHard, runGit, splitNul } from '../git/index.js';
import type { GitContext } from '../git/index.js';
import { newRunId, writeRunOutput } from '../gates/artifacts.js';
import { gateEnv } from '../gates/gate-env.js';
import { DEFAULT_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES, runProcess } from '../process/index.js';
import type { GoalScope } from './context.js';
import { record } from './context.js';
import { readTextIfExists } from './goal-dir.js';
import { copyIncluded, keepOutOfGit, removeCopies, type Skipped } from './worktree-copy.js';

/** Written to the worktree's own git dir once its bootstrap succeeded; its absence means "bootstrap again". */
export const BOOTSTRAP_RECORD = '.omk-bootstrap.json';
export const DEFAULT_SETUP_TIMEOUT_MS = 10 * 60_000;
/** Paths listed in the event; the count says how many there were. */
const MAX_LISTED = 200;

export type SetupEvidence = NonNullable<EventPayload<'worktree.bootstrapped'>['setup']>;

export interface WorktreeBootstrap {
  ok: boolean;
  /** Repository-relative paths copied in. */
  copied: string[];
  skipped: Skipped[];
  /** Paths added to info/exclude. */
  excluded: string[];
  setup: SetupEvidence | null;
  /** One line saying why, when `ok` is false (fit for a blocker or feedback). */
  failure: string | null;
}

export interface BootstrapTarget {
  path: string;
  taskId: string;
  attempt: number;
  /** Just created. A reused worktree is bootstrapped only if an earlier bootstrap never succeeded. */
  created: boolean;
}

/**
 * Bootstraps the worktree at `target.path`, or returns null when there is nothing to do: no include
 * file and no setup command, or a reused worktree whose bootstrap already succeeded.
 */
export async function bootstrapWorktree(scope: GoalScope, target: BootstrapTarget, signal: AbortSignal = scope.rt.signal): Promise<WorktreeBootstrap | null> {
  const { rt } = scope;
  const includeText = await readTextIfExists(path.join(rt.repoRoot, INCLUDE_FILE));
  const command = rt.config.worktrees?.setup?.trim() || undefined;
  if (includeText === undefined && command === undefined) return null;
  const wtGit: GitContext = { cwd: target.path, env: rt.env, signal };
  const recordFile = path.join(await gitDir(wtGit), BOOTSTRAP_RECORD);
  if (!target.created && (await readTextIfExists(recordFile)) !== undefined) return null;

  const result = await run(scope, target, wtGit, includeText, command, signal);
  await record(scope, 'worktree.bootstrapped', {
    task_id: target.taskId,
    attempt: target.attempt,
    path: target.path,
    ok: result.ok,
    copied: result.copied.slice(0, MAX_LISTED),
    copied_count: result.copied.length,
    skipped: result.skipped.slice(0, MAX_LISTED),
    excluded: result.excluded.slice(0, MAX_LISTED),
    setup: result.setup,
    failure: result.failure,
  });
  if (result.ok) {
    const done = { version: 1, bootstrapped_at: rt.now().toISOString(), copied: result.copied.length, setup: result.setup?.command ?? null };
    await writeFile(recordFile, `${JSON.stringify(done, null, 2)}\n`);
  }
  rt.progress(`worktree ${target.taskId}: ${result.ok ? `ready (${result.copied.length} file(s) copied${result.setup ? `, setup took ${Math.round(result.setup.duration_ms)}ms` : ''})` : `not ready: ${result.failure}`}`);
  return result;
}

async function run(
  scope: GoalScope,
  target: BootstrapTarget,
  wtGit: GitContext,
  includeText: string | undefined,
  command: string | undefined,
  signal: AbortSignal,
): Promise<WorktreeBootstrap> {
  const { rt } = scope;
  const mainGit: GitContext = { cwd: rt.repoRoot, env: rt.env, signal };
  const out: WorktreeBootstrap = { ok: true, copied: [], skipped: [], excluded: [], setup: null, failure: null };
  const fail = (failure: string): WorktreeBootstrap => ({ ...out, ok: false, failure });

  if (includeText !== undefined) {
    const parsed = parseInclude(includeText);
    if (parsed.problems.length > 0) {
      return fail(`${parsed.problems.map((p) => formatIncludeProblem(INCLUDE_FILE, p)).join('; ')} (fix or remove the line)`);
    }
    const copy = await copyIncluded({ mainRoot: rt.repoRoot, worktree: target.path, patterns: parsed.patterns, skipDirs: [rt.worktreesRoot, rt.goalsDir] });
    out.copied = copy.copied;
    out.skipped = copy.skipped;
    if (copy.errors.length > 0) return fail(`could not copy ${copy.errors.join('; ')}`);
    const kept = await keepOutOfGit(mainGit, wtGit, out.copied);
    out.excluded = kept.excluded;
    if (kept.visible.length > 0) {
      await removeCopies(target.path, kept.visible);
      out.copied = out.copied.filter((p) => !kept.visible.includes(p));
      out.skipped.push(...kept.visible.map((p) => ({ path: p, reason: 'git in the worktree would not ignore it, so it could land in a commit; removed again' })));
    }
  }

  if (command !== undefined) {
    // A reused worktree may hold someone's uncommitted work: only what the setup adds is its doing.
    const before = await leftovers(wtGit);
    out.setup = await runSetup(scope, target, command, signal);
    const why = setupFailure(out.setup, await tailOf(scope, out.setup));
    if (why !== null) return fail(why);
    // What the setup made (node_modules/, build output) must not become the agent's change either.
    const after = await leftovers(wtGit);
    const tracked = after.tracked.filter((p) => !before.tracked.includes(p));
    if (tracked.length > 0) {
      // Put tracked files back when nothing else had touched them, so the next attempt starts clean.
      if (before.tracked.length === 0) await resetHard(wtGit, { to: 'HEAD', clean: false });
      return fail(`setup command \`${command}\` changed tracked files (${tracked.slice(0, 5).join(', ')}), which would land in the agent's diff; make it leave tracked files alone (e.g. \`npm ci\`, not \`npm install\`)`);
    }
    const made = after.untracked.filter((p) => !before.untracked.includes(p));
    const kept = await keepOutOfGit(mainGit, wtGit, made);
    out.excluded.push(...kept.excluded);
    if (kept.visible.length > 0) return fail(`setup command \`${command}\` left files git cannot be told to ignore: ${kept.visible.slice(0, 5).join(', ')}`);
  }
  return out;
}

/** `git status` after the setup: changed tracked paths, and untracked ones (a new directory as `dir/`). */
async function leftovers(wt: GitContext): Promise<{ tracked: string[]; untracked: string[] }> {
  const parts = splitNul((await runGit(wt, ['status', '--porcelain=v1', '-z', '--untracked-files=normal'])).stdout);
  const tracked: string[] = [];
  const untracked: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const code = parts[i]!.slice(0, 2);
    const rel = parts[i]!.slice(3);
    if (code === '??') untracked.push(rel);
    else tracked.push(rel);
    if (code[0] === 'R' || code[0] === 'C') i += 1;
  }
  return { tracked, untracked };
}

async function runSetup(scope: GoalScope, target: BootstrapTarget, command: string, signal: AbortSignal): Promise<SetupEvidence> {
  const { rt } = scope;
  const timeoutMs = parseDuration(rt.config.worktrees?.setup_timeout) || DEFAULT_SETUP_TIMEOUT_MS;
  // The same environment as gates: an allowlist plus CI=true, never omk's secrets.
  const result = await runProcess({
    command,
    shell: true,
    cwd: target.path,
    env: gateEnv(rt.env, {}),
    timeoutMs,
    graceMs: DEFAULT_GRACE_MS,
    maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
    signal,
  });
  const dir = path.join(scope.dir.setup, newRunId(target.taskId, rt.now()));
  // Paths relative to the goal directory, as proof.json lists (and `omk goal proof --verify` checks) them.
  const files = await writeRunOutput(scope.dir.root, dir, result);
  const ref = (a: typeof files.stdout) => ({ path: a.path, sha256: a.sha256, bytes: a.bytes, truncated: a.truncated });
  return {
    command,
    exit_code: result.exitCode,
    signal: result.signal,
    spawn_error: result.spawnError?.message ?? null,
    duration_ms: Math.round(result.durationMs),
    timeout_ms: timeoutMs,
    timed_out: result.timedOut,
    canceled: result.canceled,
    stdout: ref(files.stdout),
    stderr: ref(files.stderr),
  };
}

/** The last non-empty line of the (already redacted) stderr artifact, else of stdout. */
async function tailOf(scope: GoalScope, setup: SetupEvidence): Promise<string> {
  for (const a of [setup.stderr, setup.stdout]) {
    const text = await readFile(path.join(scope.dir.root, a.path), 'utf8').catch(() => '');
    const last = text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
    if (last) return redactSecrets(last).slice(0, 200);
  }
  return '';
}

/** Why the setup command failed, in one line, or null when it succeeded. */
export function setupFailure(s: SetupEvidence, tail: string): string | null {
  const what = `setup command \`${s.command}\``;
  const where = ` (output: ${s.stderr.path})`;
  if (s.canceled) return `${what} was stopped before it finished`;
  if (s.timed_out) return `${what} timed out after ${Math.round(s.timeout_ms / 1000)}s${where}; raise worktrees.setup_timeout or speed it up`;
  if (s.spawn_error !== null) return `${what} could not start: ${s.spawn_error}`;
  if (s.exit_code === 0) return null;
  const how = s.exit_code === null ? `was killed (${s.signal ?? 'no exit code'})` : `exited with ${s.exit_code}`;
  return `${what} ${how}${tail ? `: ${tail}` : ''}${where}`;
}
