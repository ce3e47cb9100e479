import { effectsOf } from './effects.js';
import type { Effect } from './effects.js';
import type { CommandAnalysis, Invocation } from './invocations.js';
import { operands, optionValues } from './effects.js';
import { basename } from './invocations.js';
import { normalizeAbsolute, resolveWordPath } from './paths.js';
import type { Word } from './shell-lexer.js';

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
  // Links the command itself makes (`ln -s /tmp x && echo > x/y`): later writes go through them.
  const links: Link[] = [];

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
        const through = 'paths' in r ? throughLinks(r.paths, links, effect.kind === 'delete') : undefined;
        if (through) effects.push({ effect, invocation: inv, paths: through });
        else effects.push({ effect, invocation: inv, paths: undefined, unknown: 'paths' in r ? 'it goes through a link whose target is not known' : r.unknown });
      }
    }
    // After its own effects: the link exists for the commands that follow.
    if (inv.program === 'ln' && !inv.carrier) links.push(...linksMadeBy(inv.argv, here, home));
  }
  return { effects, cwdOf };
}

interface Link {
  /** Absolute path of the link. */
  at: string;
  /** Where it points, absolute; undefined when the command text cannot show it. */
  to: string[] | undefined;
}

/** The links `ln [-s] SOURCE… [LINK|DIR]` (or `-t DIR SOURCE…`) makes, run from `cwds`. */
function linksMadeBy(argv: Word[], cwds: string[] | undefined, home: string): Link[] {
  if (cwds === undefined) return [];
  const symbolic = argv.slice(1).some((w) => w.text === '--symbolic' || /^-[A-Za-z]*s[A-Za-z]*$/.test(w.text));
  const dir = optionValues(argv, ['-t', '--target-directory']);
  const list = operands(argv, new Set(['-t', '-S', '--suffix', '--target-directory']));
  const where = (w: Word | undefined): string[] => {
    if (w === undefined) return cwds;
    const r = resolveWordPath(w, cwds, home);
    return 'paths' in r ? r.paths : [];
  };
  let sources: Word[];
  let linkPaths: (source: Word) => string[];
  const inDir = (dirs: string[]) => (source: Word) => dirs.map((d) => `${d}/${basename(source.text.replace(/\/+$/, ''))}`);
  if (dir.length > 0) {
    sources = list;
    linkPaths = inDir(where(dir[0]));
  } else if (list.length === 1) {
    sources = list;
    linkPaths = inDir(cwds);
  } else {
    sources = list.slice(0, -1);
    const last = where(list.at(-1));
    // LINK, or a directory LINK/basename(SOURCE) when it already exists: both are possible.
    linkPaths = (source) => [...(list.length === 2 ? last : []), ...inDir(last)(source)];
  }
  const out: Link[] = [];
  for (const source of sources) {
    for (const at of linkPaths(source)) {
      // A symbolic link's relative target is read from the link's own directory.
      const base = symbolic ? [at.slice(0, at.lastIndexOf('/')) || '/'] : cwds;
      const r = resolveWordPath(source, base, home);
      out.push({ at: normalizeAbsolute(at), to: 'paths' in r ? r.paths : undefined });
    }
  }
  return out;
}

/**
 * `paths` with every path that goes through one of `links` also given as where it really lands.
 * Deleting a link itself (`rm link`) removes the link, not its target. Undefined when a link's
 * target is unknown.
 */
function throughLinks(paths: string[], links: readonly Link[], deleting: boolean): string[] | undefined {
  if (links.length === 0) return paths;
  const out = new Set(paths);
  let frontier = paths;
  for (let round = 0; round < 8 && frontier.length > 0; round++) {
    const next: string[] = [];
    for (const p of frontier) {
      for (const link of links) {
        const exact = p === link.at;
        if (!(exact ? !deleting || round > 0 : p.startsWith(`${link.at}/`))) continue;
        if (link.to === undefined) return undefined;
        for (const to of link.to) {
          const real = normalizeAbsolute(to + p.slice(link.at.length));
          if (!out.has(real)) {
            out.add(real);
            next.push(real);
          }
        }
      }
    }
    frontier = next;
  }
  return [...out];
}
