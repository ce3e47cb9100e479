import { matchesPattern } from './command-pattern.js';
import { DEFAULT_ALLOW_COMMANDS, NEUTRAL_WRAPPERS, PLAN_READ_ONLY_COMMANDS, RISKY_VARIABLES } from './defaults.js';
import { isHarmlessDevice } from './effects.js';
import type { CommandInspection } from './command-checks.js';
import { isInside } from './paths.js';
import type { ApprovalContext } from './types.js';

/**
 * Whether a command that passed the hard denies is on a mode's list: the auto allow list, or the plan
 * mode's read-only list. Every part must be on it, run inside the worktree, and leave its meaning alone
 * (no `PATH=…`, no unusual wrapper). Returns why not, or undefined when it is.
 */
export function notOnList(inspection: CommandInspection, ctx: ApprovalContext, list: 'auto' | 'plan'): string | undefined {
  const patterns =
    list === 'plan'
      ? PLAN_READ_ONLY_COMMANDS
      : [...(ctx.replaceDefaultAllow === true ? [] : DEFAULT_ALLOW_COMMANDS), ...ctx.allowCommands];
  const { invocations } = inspection.analysis;
  for (const inv of invocations) {
    // A package runner's binary is judged through the runner's own words (`npx vitest *`).
    if (inv.carrier || inv.runBy !== undefined) continue;
    const cwds = inspection.targets.cwdOf.get(inv.id);
    const shown = inv.argv.map((w) => w.text).join(' ') || inv.assignments.map((w) => w.text).join(' ');
    if (cwds === undefined || cwds.some((c) => !isInside(ctx.sessionDir, c))) {
      return `\`${shown}\` runs in a directory outside the worktree`;
    }
    const exported = inv.program === 'export' || inv.program === 'declare' || inv.program === 'typeset' ? inv.argv.slice(1) : [];
    const risky = [...inv.assignments, ...exported].find((w) => RISKY_VARIABLES.test(w.text.split('=')[0]!.replace(/\+$/, '')));
    if (risky) return `it sets ${risky.text.split('=')[0]!}, which changes what the command runs`;
    const wrapper = inv.wrappers.find((w) => !NEUTRAL_WRAPPERS.has(w));
    if (wrapper) return `\`${wrapper}\` is not an allowed wrapper`;
    if (inv.argv.length === 0) continue;
    const env = { sessionDir: ctx.sessionDir, homeDir: ctx.homeDir, cwds };
    if (!patterns.some((p) => matchesPattern(p, inv.argv, env))) {
      return `\`${shown}\` is not on the ${list === 'plan' ? 'read-only' : 'allow'} list`;
    }
    // ripgrep's --pre runs a program on every file it reads.
    if (inv.program === 'rg' && inv.argv.some((w) => w.text === '--pre' || w.text.startsWith('--pre='))) return '`rg --pre` runs a program';
  }
  if (list === 'plan') {
    const write = inspection.targets.effects.find((e) => e.paths === undefined || e.paths.some((p) => !isHarmlessDevice(p)));
    if (write) return `\`${write.effect.by}\` would ${write.effect.kind} files`;
  }
  return undefined;
}
