import { OmkError } from '../errors.js';
import { inspectCommand } from './command-checks.js';
import type { CommandInspection } from './command-checks.js';
import { credentialKind } from './credentials.js';
import { notOnList } from './mode-lists.js';
import { isInside, normalizeAbsolute, resolveToolPath } from './paths.js';
import { normalizeRequest } from './raw-input.js';
import type { NormalizedRequest } from './raw-input.js';
import { denyListId, HARD_DENY, MODE_RULE, userRuleId } from './rule-ids.js';
import { commandMatches, firstMatchingRule } from './rules.js';
import type { RuleSubject } from './rules.js';
import type { ApprovalContext, ApprovalDecision, ApprovalRequest, ToolKind } from './types.js';

/**
 * The approval decision, pure: hard denies → deny list → user rules (first match) → the mode.
 * `evaluate` also returns what it resolved, so the runtime can re-check the same paths on disk.
 */

export interface Evaluation {
  decision: ApprovalDecision;
  request: NormalizedRequest;
  /** The request's paths, absolute (lexically resolved). */
  paths: string[];
  /** Where an `execute` runs. */
  cwd: string;
  /** For `execute`: the parsed command and its resolved writes. */
  inspection?: CommandInspection;
}

const WRITE_KINDS: ReadonlySet<ToolKind> = new Set(['edit', 'delete', 'move']);
const READ_KINDS: ReadonlySet<ToolKind> = new Set(['read', 'search']);

const allow = (rule: string, reason: string): ApprovalDecision => ({ decision: 'allow', rule, reason });
const deny = (rule: string, reason: string): ApprovalDecision => ({ decision: 'deny', rule, reason });
const ask = (reason: string): ApprovalDecision => ({ decision: 'ask', rule: MODE_RULE.askHuman, reason });

export function decide(request: ApprovalRequest, context: ApprovalContext): ApprovalDecision {
  return evaluate(request, context).decision;
}


function checkContext(ctx: ApprovalContext): ApprovalContext {
  if (!ctx.sessionDir.startsWith('/')) throw new OmkError('internal', `approval: sessionDir must be absolute, got ${JSON.stringify(ctx.sessionDir)}`);
  if (!ctx.homeDir.startsWith('/')) throw new OmkError('internal', `approval: homeDir must be absolute, got ${JSON.stringify(ctx.homeDir)}`);
  return { ...ctx, sessionDir: normalizeAbsolute(ctx.sessionDir), homeDir: normalizeAbsolute(ctx.homeDir) };
}

export function evaluate(request: ApprovalRequest, context: ApprovalContext): Evaluation {
  const ctx = checkContext(context);
  const req = normalizeRequest(request);
  const session = ctx.sessionDir;
  const cwd = req.cwd !== undefined ? resolveToolPath(req.cwd, session, ctx.homeDir) : session;
  // A fetch names URLs; only local files (file://, absolute paths) are paths to judge.
  const inputs = req.kind === 'fetch' ? req.paths.filter((p) => /^(file:\/\/|\/|~)/.test(p)) : req.paths;
  const paths = inputs.map((p) => resolveToolPath(p, cwd, ctx.homeDir));
  const result = (decision: ApprovalDecision, inspection?: CommandInspection): Evaluation =>
    inspection ? { decision, request: req, paths, cwd, inspection } : { decision, request: req, paths, cwd };

  const hard = pathHardDeny(req.kind, paths, ctx);
  if (hard) return result(hard);

  let inspection: CommandInspection | undefined;
  if (req.kind === 'execute') {
    if (req.commands.length === 0) {
      return result(deny(HARD_DENY.unparseable, 'The tool call runs a command but does not say which, so it cannot be checked.'));
    }
    inspection = inspectCommand(req.commands.join('\n'), ctx, cwd);
    if (inspection.deny) return result(inspection.deny, inspection);
  }

  const subject: RuleSubject = {
    kind: req.kind,
    invocations: inspection?.analysis.invocations.filter((i) => !i.carrier && i.runBy === undefined) ?? [],
    paths: [...paths, ...(inspection?.targets.effects.flatMap((e) => e.paths ?? []) ?? [])],
    cwdOf: inspection?.targets.cwdOf ?? new Map<number, string[] | undefined>(),
    sessionDir: session,
    homeDir: ctx.homeDir,
  };
  if (req.commands.length > 0) subject.commandText = req.commands.join('\n');

  if (inspection) {
    const listed = ctx.denyCommands.find((p) => commandMatches(p, subject, 'any'));
    if (listed !== undefined) return result(deny(denyListId(listed), `The command matches the deny list entry \`${listed}\`.`), inspection);
  }

  const matched = firstMatchingRule(ctx.rules ?? [], subject);
  if (matched) {
    const id = userRuleId(matched.rule, matched.index);
    const said = `Rule ${id.slice('rule:'.length)} says ${matched.action}.`;
    const decision = matched.action === 'ask' ? { decision: 'ask' as const, rule: id, reason: said } : { decision: matched.action, rule: id, reason: said };
    return result(decision, inspection);
  }

  return result(byMode(req.kind, paths, inspection, ctx), inspection);
}

function pathHardDeny(kind: ToolKind, paths: string[], ctx: ApprovalContext): ApprovalDecision | undefined {
  if (kind === 'think') return undefined;
  for (const p of paths) {
    const secret = credentialKind(p, ctx.homeDir, ctx.sessionDir);
    if (secret) return deny(HARD_DENY.credentialRead, `${p} holds ${secret}: credential files are never read by agents.`);
  }
  if (!WRITE_KINDS.has(kind)) return undefined;
  const session = ctx.sessionDir;
  for (const p of paths) {
    if (!isInside(session, p)) return deny(HARD_DENY.writeOutside, `${p} is outside the worktree ${session}; agents only change files inside it.`);
  }
  for (const p of paths) {
    if (p === `${session}/.git` || p.startsWith(`${session}/.git/`)) return deny(HARD_DENY.gitDir, `${p} is repository metadata; change it through git.`);
    if (p === session && kind !== 'edit') return deny(HARD_DENY.gitDir, `That would ${kind} the worktree itself.`);
  }
  return undefined;
}

function byMode(kind: ToolKind, paths: string[], inspection: CommandInspection | undefined, ctx: ApprovalContext): ApprovalDecision {
  const mode = ctx.mode;
  if (mode === 'yolo') return allow(MODE_RULE.yoloAllow, 'yolo mode allows everything but the hard denies.');

  const outside = paths.find((p) => !isInside(ctx.sessionDir, p));
  if (kind === 'think') return allow(mode === 'plan' ? MODE_RULE.planRead : MODE_RULE.autoThink, 'Thinking touches nothing.');

  if (READ_KINDS.has(kind)) {
    if (outside === undefined) {
      return mode === 'plan'
        ? allow(MODE_RULE.planRead, 'Reading inside the worktree is allowed in plan mode.')
        : allow(MODE_RULE.autoReadInside, 'Reading inside the worktree is allowed.');
    }
    const why = `${outside} is outside the worktree.`;
    if (mode === 'ask') return ask(why);
    return deny(mode === 'plan' ? MODE_RULE.planDeny : MODE_RULE.autoOutside, `${why} ${mode} mode only reads inside it.`);
  }

  if (mode === 'plan') {
    if (kind === 'execute' && inspection) {
      const why = notOnList(inspection, ctx, 'plan');
      if (why === undefined) return allow(MODE_RULE.planReadOnlyCommand, 'A read-only command is allowed in plan mode.');
      return deny(MODE_RULE.planDeny, `Plan mode is read-only: ${why}.`);
    }
    return deny(MODE_RULE.planDeny, `Plan mode is read-only: ${kind} is not allowed.`);
  }

  // auto, and ask (which allows what auto allows and asks about the rest).
  let refusal: ApprovalDecision;
  if (WRITE_KINDS.has(kind)) {
    if (paths.length > 0) return allow(MODE_RULE.autoWriteInside, `Changing files inside the worktree is allowed.`);
    refusal = deny(MODE_RULE.autoNoPaths, `The ${kind} does not say which files it touches.`);
  } else if (kind === 'execute' && inspection) {
    const why = notOnList(inspection, ctx, 'auto');
    if (why === undefined) return allow(MODE_RULE.autoAllowList, 'Every part of the command is on the allow list.');
    refusal = deny(MODE_RULE.autoNotAllowListed, `Not auto-allowed: ${why}.`);
  } else {
    refusal = deny(MODE_RULE.autoKind, `${kind} calls are not auto-allowed.`);
  }
  return mode === 'ask' ? ask(refusal.reason) : refusal;
}
