import type { OmkConfig } from '../../core/config/types.js';
import type { EventPayload, EventType } from '../../core/events/catalogue.js';
import type { GateSpec } from '../../core/gates/spec.js';
import type { Store, StoreTx } from '../../core/store/store.js';
import type { GitContext } from '../git/index.js';
import type { GoalBudget } from './budget.js';
import type { LivePublisher } from '../feed/live-hub.js';
import type { EnginePort } from './engine-port.js';
import { goalDir, type GoalDir } from './goal-dir.js';

/** Everything the driver touches, injected (tests pass a temp repo, a fake clock, a scripted engine). */
export interface GoalRuntime {
  store: Store;
  /** The main checkout. */
  repoRoot: string;
  goalsDir: string;
  /** Where task and integration worktrees go. @default <repo>/.omk/worktrees */
  worktreesRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /**
   * `goal`: no-progress thresholds and gate-run reuse (docs/no-progress.md, docs/gates.md). `worktrees`:
   * the setup command for new worktrees (docs/git-and-worktrees.md); without it there is none.
   */
  config: Pick<OmkConfig, 'approval' | 'defaults' | 'goal'> & Partial<Pick<OmkConfig, 'worktrees'>>;
  /** The active gates (configured, else detected). */
  gates: readonly GateSpec[];
  /** Undefined when no engine is configured: planning falls back, execution is blocked. */
  engine: EnginePort | undefined;
  /**
   * The review wall's reviewer agent (may be another engine than the executor's); undefined: the wall is
   * omk's deterministic checks only.
   */
  reviewer?: EnginePort | undefined;
  now: () => Date;
  /** Four hex digits, for goal ids. */
  randomHex: () => string;
  signal: AbortSignal;
  /** Human progress lines (stderr on a TTY); never evidence. */
  progress: (line: string) => void;
  /** Lease owner id of this controller process. */
  owner: string;
  /** Where agents' live activity goes (the process's live hub); none: it is not shared. */
  live?: LivePublisher;
}

/** The per-goal view of the runtime. */
export interface GoalScope {
  rt: GoalRuntime;
  goalId: string;
  dir: GoalDir;
  /** Set while a controller drives the goal: admits and reconciles agent turns against the budget. */
  budget?: GoalBudget;
}

export function scopeOf(rt: GoalRuntime, goalId: string): GoalScope {
  return { rt, goalId, dir: goalDir(rt.goalsDir, goalId) };
}

export function gitContext(rt: GoalRuntime, cwd: string = rt.repoRoot): GitContext {
  return { cwd, env: rt.env, signal: rt.signal };
}

/** Appends one event in its own transaction (with `extra` state changes in the same one). */
export function record<T extends EventType>(
  scope: GoalScope,
  type: T,
  payload: EventPayload<T>,
  extra?: (tx: StoreTx) => Promise<unknown>,
): Promise<void> {
  return scope.rt.store.transaction(async (tx) => {
    if (extra) await extra(tx);
    await tx.appendEvent(scope.goalId, type, payload);
  });
}
