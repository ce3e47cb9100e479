import { argumentPaths } from '../../core/approval/command-checks.js';
import { patternProblem } from '../../core/approval/command-pattern.js';
import { credentialKind } from '../../core/approval/credentials.js';
import { evaluate } from '../../core/approval/decide.js';
import type { Evaluation } from '../../core/approval/decide.js';
import { isInside } from '../../core/approval/paths.js';
import { normalizeRequest } from '../../core/approval/raw-input.js';
import { ASK_OUTCOME, HARD_DENY, INTERNAL_RULE } from '../../core/approval/rule-ids.js';
import { summarizeRequest } from '../../core/approval/summary.js';
import type { ApprovalContext, ApprovalDecision, ApprovalRequest } from '../../core/approval/types.js';
import { describeError, OmkError } from '../../core/errors.js';
import type { EventPayload } from '../../core/events/catalogue.js';
import { promptApproval } from './prompt.js';
import type { PromptApprovalOptions, PromptOutcome } from './prompt.js';
import { readCurrentBranch, resolveReal, resolveRealParent } from './real-paths.js';

/**
 * The gate every agent tool call passes through. It runs the pure decision, re-checks the paths on
 * disk (a symlink inside the worktree may point anywhere), asks a human in `ask` mode, and reports
 * every outcome through `onDecision` so the caller can append it as an `approval.decided` event.
 */

export type ApprovalDecidedPayload = EventPayload<'approval.decided'>;

export interface ApprovalResult {
  allow: boolean;
  rule: string;
  reason: string;
}

export interface CheckMeta {
  /** The agent's tool call id, copied into the event. */
  toolCallId?: string;
  signal?: AbortSignal;
}

export type PromptFn = (options: PromptApprovalOptions) => Promise<PromptOutcome>;

export interface ApprovalPolicyOptions {
  /** `currentBranch` is read from the session dir's git files when left out. */
  context: ApprovalContext;
  /** The session or goal id, copied into every event. */
  session?: string;
  /** Receives one payload per decision; if it throws, the call is denied (an unrecorded allow is not allowed). */
  onDecision?: (payload: ApprovalDecidedPayload) => void | Promise<void>;
  /** Where `ask` mode asks. @default stdin/stderr, TTY when both are */
  prompt?: {
    input?: NodeJS.ReadableStream;
    output?: NodeJS.WritableStream;
    isTTY?: boolean;
    /** @default 300_000 */
    timeoutMs?: number;
    /** @default 'deny' */
    defaultDecision?: 'allow' | 'deny';
  };
  /** Replaces the terminal prompt (a dashboard, a test). @default promptApproval */
  promptFn?: PromptFn;
  /** Follow symlinks on disk. Turn off only for paths that do not exist on this machine. @default true */
  resolveSymlinks?: boolean;
}

export interface ApprovalPolicy {
  check(request: ApprovalRequest, meta?: CheckMeta): Promise<ApprovalResult>;
}

export function createApprovalPolicy(options: ApprovalPolicyOptions): ApprovalPolicy {
  validateContext(options.context);
  let promptQueue: Promise<unknown> = Promise.resolve();
  let realRoots: Promise<{ session: string; home: string }> | undefined;
  const roots = (): Promise<{ session: string; home: string }> =>
    (realRoots ??= Promise.all([resolveReal(options.context.sessionDir), resolveReal(options.context.homeDir)]).then(([session, home]) => ({ session, home })));

  async function contextFor(request: ApprovalRequest): Promise<ApprovalContext> {
    const ctx = options.context;
    if (request.kind !== 'execute' || 'currentBranch' in ctx) return ctx;
    const branch = await readCurrentBranch(ctx.sessionDir);
    return branch === undefined ? ctx : { ...ctx, currentBranch: branch };
  }

  async function ask(request: ApprovalRequest, decision: ApprovalDecision, signal?: AbortSignal): Promise<PromptOutcome> {
    const p = options.prompt ?? {};
    const stdin = process.stdin;
    const stderr = process.stderr;
    const run = options.promptFn ?? promptApproval;
    const args: PromptApprovalOptions = {
      request,
      decision,
      input: p.input ?? stdin,
      output: p.output ?? stderr,
      isTTY: p.isTTY ?? (stdin.isTTY === true && stderr.isTTY === true),
    };
    if (p.timeoutMs !== undefined) args.timeoutMs = p.timeoutMs;
    if (p.defaultDecision !== undefined) args.defaultDecision = p.defaultDecision;
    if (signal) args.signal = signal;
    // One question at a time on one terminal, however many agents ask at once.
    const next = promptQueue.then(() => run(args));
    promptQueue = next.catch(() => undefined);
    return next;
  }

  async function settle(request: ApprovalRequest, meta: CheckMeta): Promise<ApprovalResult> {
    const ctx = await contextFor(request);
    const evaluation = evaluate(request, ctx);
    const first = evaluation.decision;
    if (first.decision === 'deny') return { allow: false, rule: first.rule, reason: first.reason };
    if (options.resolveSymlinks !== false) {
      const onDisk = await diskCheck(evaluation, ctx, await roots());
      if (onDisk) return { allow: false, rule: onDisk.rule, reason: onDisk.reason };
    }
    if (first.decision === 'allow') return { allow: true, rule: first.rule, reason: first.reason };
    try {
      const answer = await ask(evaluation.request, first, meta.signal);
      return { allow: answer.decision === 'allow', rule: answer.rule, reason: answer.reason };
    } catch (error) {
      return { allow: false, rule: ASK_OUTCOME.denied, reason: `The prompt failed (${describeError(error)}), so the call is denied.` };
    }
  }

  return {
    async check(request, meta = {}) {
      let result: ApprovalResult;
      try {
        result = await settle(request, meta);
      } catch (error) {
        // A bug or an unreadable disk must not turn into an allow.
        result = { allow: false, rule: INTERNAL_RULE.error, reason: `The call could not be checked (${describeError(error)}), so it is denied.` };
      }
      const payload: ApprovalDecidedPayload = {
        mode: options.context.mode,
        tool_kind: request.kind,
        summary: summaryOf(request),
        decision: result.allow ? 'allow' : 'deny',
        rule: result.rule,
        reason: result.reason,
      };
      if (options.session !== undefined) payload.session = options.session;
      if (meta.toolCallId !== undefined) payload.tool_call_id = meta.toolCallId;
      try {
        await options.onDecision?.(payload);
      } catch (error) {
        return { allow: false, rule: INTERNAL_RULE.eventFailed, reason: `The decision could not be recorded (${describeError(error)}), so the call is denied.` };
      }
      return result;
    },
  };
}

/** The summary names the command even when only the agent's raw input carried it. */
function summaryOf(request: ApprovalRequest): string {
  const normalized = normalizeRequest(request);
  return summarizeRequest(normalized.commands.length > 0 ? { ...normalized, command: normalized.commands.join('\n') } : normalized);
}

function validateContext(ctx: ApprovalContext): void {
  for (const [name, dir] of [['sessionDir', ctx.sessionDir], ['homeDir', ctx.homeDir]] as const) {
    if (!dir.startsWith('/')) throw new OmkError('internal', `approval: ${name} must be an absolute path, got ${JSON.stringify(dir)}`);
  }
  const patterns = [...ctx.allowCommands, ...ctx.denyCommands, ...(ctx.rules ?? []).flatMap((r) => (r.command === undefined ? [] : [r.command]))];
  for (const pattern of patterns) {
    const problem = patternProblem(pattern);
    if (problem) throw new OmkError('config_invalid', `approval: ${problem}`, { hint: 'Fix the pattern in [approval] of config.toml.' });
  }
}

/** `follow`: a delete that goes through a link at the path itself (`rm -rf link/`, `find link/ -delete`). */
type Target = { lexical: string; mode: 'write' | 'delete' | 'read'; follow?: boolean };

/** A trailing `/` or `/.` makes rm and find act on what a symlink points to, not on the link. */
const followsLink = (word: string | undefined): boolean => word !== undefined && /\/\.?$/.test(word) && word !== '/';

/** Follows each path on disk: a write that lands outside the worktree, or any access to a secret, is denied. */
async function diskCheck(evaluation: Evaluation, ctx: ApprovalContext, real: { session: string; home: string }): Promise<ApprovalDecision | undefined> {
  const kind = evaluation.request.kind;
  const targets: Target[] = [];
  const pathMode = kind === 'edit' || kind === 'move' ? 'write' : kind === 'delete' ? 'delete' : 'read';
  for (const p of evaluation.paths) targets.push({ lexical: p, mode: pathMode });
  if (evaluation.inspection) {
    for (const e of evaluation.inspection.targets.effects) for (const p of e.paths ?? []) targets.push({ lexical: p, mode: e.effect.kind, follow: followsLink(e.effect.word?.text) });
    for (const p of argumentPaths(evaluation.inspection, ctx)) targets.push({ lexical: p, mode: 'read' });
  }
  for (const target of targets) {
    let resolved: string;
    try {
      resolved = target.mode === 'delete' && target.follow !== true ? await resolveRealParent(target.lexical) : await resolveReal(target.lexical);
    } catch (error) {
      if (target.mode === 'read') continue;
      return { decision: 'deny', rule: INTERNAL_RULE.unresolvable, reason: `${target.lexical} could not be resolved on disk (${describeError(error)}).` };
    }
    const secret = credentialKind(resolved, real.home, real.session) ?? credentialKind(resolved, ctx.homeDir, ctx.sessionDir);
    if (secret && resolved !== target.lexical) {
      return { decision: 'deny', rule: HARD_DENY.credentialRead, reason: `${target.lexical} leads to ${resolved} (${secret}): credential files are never read by agents.` };
    }
    const lexicallyInside = isInside(ctx.sessionDir, target.lexical);
    if (target.mode !== 'read' && lexicallyInside && !isInside(real.session, resolved)) {
      return { decision: 'deny', rule: HARD_DENY.symlinkEscape, reason: `${target.lexical} is a symlink path that lands on ${resolved}, outside the worktree.` };
    }
  }
  return undefined;
}
