import { effectsOf } from './effects.js';
import type { Effect } from './effects.js';
import type { CommandAnalysis, Invocation } from './invocations.js';
import { operands } from './effects.js';
import { normalizeAbsolute, resolveWordPath } from './paths.js';

/**
 * Follows `cd` through a command and resolves every write and delete to absolute paths. When a `cd`
 * might not have happened (it failed, or ran in a subshell), both directories stay possible and a
 * relative path must be safe from each of them.
 */

export interface ResolvedEffect {
  effect: Effect;
  invocation: Invocation;
  /** Absolute candidates; undefined when the command text cannot show where it points. */
  paths: string[] | undefined;
  /** Why `paths` is undefined. */
  unknown?: string;
}

export interface CommandTargets {
  effects: ResolvedEffect[];
  /** Possible working directories of each invocation, by id; undefined when not known. */
  cwdOf: Map<number, string[] | undefined>;
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  return [...new Set([...a, ...b])];
}

export function resolveTargets(analysis: CommandAnalysis, startCwd: string, home: string): CommandTargets {
  const cwdOf = new Map<number, string[] | undefined>();
  const effects: ResolvedEffect[] = [];
  let cwds: string[] | undefined = [normalizeAbsolute(startCwd)];
  // Where we would be had the last `cd` failed; folded back in unless the next command needs it to succeed.
  let fallback: string[] | undefined | null = null;
  let cdPipeline = -1;

  for (const inv of analysis.invocations) {
    if (fallback !== null && !inv.scoped && inv.pipeline !== cdPipeline && inv.after !== '&&') {
      cwds = union(cwds, fallback);
      fallback = null;
    }
    let here = cwds;
    if (inv.chdir) {
      const r = resolveWordPath(inv.chdir, cwds, home);
      here = 'paths' in r ? r.paths : undefined;
    }
    cwdOf.set(inv.id, here);

    if ((inv.program === 'cd' || inv.program === 'pushd' || inv.program === 'popd') && !inv.carrier) {
      const target = operands(inv.argv).find((w) => w.text !== '-P' && w.text !== '-L');
      let next: string[] | undefined;
      if (inv.program === 'popd' || target?.text === '-') next = undefined;
      else if (!target) next = [normalizeAbsolute(home)];
      else {
        const r = resolveWordPath(target, here, home);
        next = 'paths' in r ? r.paths : undefined;
      }
      if (inv.scoped) {
        cwds = union(cwds, next);
      } else {
        fallback = fallback === null ? cwds : union(fallback, cwds);
        cwds = next;
        cdPipeline = inv.pipeline;
      }
    }

    for (const effect of effectsOf(inv)) {
      if (effect.elsewhere !== undefined) {
        effects.push({ effect, invocation: inv, paths: undefined, unknown: `it writes to ${effect.elsewhere}` });
      } else if (effect.word === undefined) {
        effects.push({ effect, invocation: inv, paths: undefined, unknown: `${effect.by} writes to paths the command text does not show` });
      } else {
        const r = resolveWordPath(effect.word, here, home);
        if ('paths' in r) effects.push({ effect, invocation: inv, paths: r.paths });
        else effects.push({ effect, invocation: inv, paths: undefined, unknown: r.unknown });
      }
    }
  }
  return { effects, cwdOf };
}
