import { operands, optionValues } from './effects.js';
import { GIT_PLACE_VARIABLES, gitConfigKind } from './git-config.js';
import type { Invocation } from './invocations.js';
import { isInside, resolveWordPath } from './paths.js';
import { HARD_DENY } from './rule-ids.js';
import type { Word } from './shell-lexer.js';
import type { ApprovalContext, ApprovalDecision } from './types.js';

/**
 * git's destructive corner: force pushes, pushes to the protected branches (main, master, the base
 * ref), history rewrites while a protected branch is checked out, and repository changes made from a
 * directory outside the worktree. Rewriting the task's own branch (`reset --hard`, `rebase`, `--amend`)
 * is the agent's business and allowed; see docs/approval-policy.md.
 */

const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix']);
const MUTATING = new Set([
  'add', 'am', 'apply', 'branch', 'checkout', 'cherry-pick', 'clean', 'clone', 'commit', 'config', 'fetch', 'filter-branch',
  'filter-repo', 'gc', 'init', 'merge', 'mv', 'notes', 'prune', 'pull', 'push', 'rebase', 'replace', 'reset', 'restore',
  'revert', 'rm', 'stash', 'submodule', 'switch', 'symbolic-ref', 'tag', 'update-ref', 'worktree',
]);

interface GitCall {
  sub: string;
  args: Word[];
  /** `-C` directories, innermost last. */
  dirs: Word[];
  elsewhere: Word[];
}

function parseGit(argv: Word[]): GitCall | undefined {
  const dirs: Word[] = [];
  const elsewhere: Word[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const t = argv[i]!.text;
    if (!t.startsWith('-')) break;
    const eq = t.indexOf('=');
    const name = eq === -1 ? t : t.slice(0, eq);
    const value = eq === -1 ? argv[i + 1] : { ...argv[i]!, text: t.slice(eq + 1) };
    if (name === '-C' && value) dirs.push(value);
    if ((name === '--git-dir' || name === '--work-tree') && value) elsewhere.push(value);
    if (GLOBAL_WITH_VALUE.has(name) && eq === -1) i++;
  }
  const sub = argv[i]?.text;
  if (sub === undefined) return undefined;
  return { sub, args: [argv[0]!, ...argv.slice(i + 1)], dirs, elsewhere };
}

/** The key a `git config` call sets, when it is one that runs commands or redirects git; else undefined. */
function dangerousConfigWrite(args: Word[]): string | undefined {
  let ops = operands(args, new Set(['-f', '--file', '--blob', '--type', '--default', '--comment', '--value'])).map((w) => w.text);
  if (['set', 'unset', 'get', 'list', 'edit', 'rename-section', 'remove-section'].includes(ops[0] ?? '')) {
    if (ops[0] !== 'set') return undefined;
    ops = ops.slice(1);
  }
  const writes = ops.length >= 2 || args.some((w) => ['--add', '--replace-all'].includes(w.text));
  const key = ops[0];
  return writes && key !== undefined && gitConfigKind(key) !== undefined ? key : undefined;
}

function refName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/[^/]+\//, '');
}

export function protectedBranches(ctx: ApprovalContext): Set<string> {
  const names = new Set(['main', 'master']);
  if (ctx.baseRef) {
    const base = refName(ctx.baseRef).replace(/^(origin|upstream)\//, '');
    if (base !== '' && base !== 'HEAD') names.add(base);
  }
  return names;
}

function pathsOf(word: Word, cwds: string[] | undefined, ctx: ApprovalContext): string[] | undefined {
  const r = resolveWordPath(word, cwds, ctx.homeDir);
  return 'paths' in r ? r.paths : undefined;
}

const deny = (rule: string, reason: string): ApprovalDecision => ({ decision: 'deny', rule, reason });

function shortFlags(args: Word[]): string {
  return args
    .filter((w) => /^-[A-Za-z]+$/.test(w.text))
    .map((w) => w.text.slice(1))
    .join('');
}

export function checkGit(
  invocations: Invocation[],
  cwdOf: Map<number, string[] | undefined>,
  ctx: ApprovalContext,
): ApprovalDecision | undefined {
  const protectedNames = protectedBranches(ctx);
  const listed = [...protectedNames].join(', ');
  let branch = ctx.currentBranch;
  const onProtected = (): string | undefined => {
    if (branch === undefined) return 'the checked-out branch is not known';
    return protectedNames.has(branch) ? `${branch} is checked out` : undefined;
  };

  for (const inv of invocations) {
    if (inv.program !== 'git') continue;
    const git = parseGit(inv.argv);
    if (!git) continue;
    const { sub, args } = git;
    const flags = args.slice(1).filter((w) => w.text.startsWith('-')).map((w) => w.text);
    const ops = sub === 'branch' ? operands(args) : operands(args, new Set(['-m', '-F', '-o', '--push-option', '--repo', '--receive-pack', '--exec', '-s', '-X', '-x', '--onto', '--strategy', '--strategy-option', '-c', '-C', '-b', '-B']));
    const short = shortFlags(args);

    // `GIT_DIR=… git …`, `GIT_WORK_TREE=… git …` act on another repository like --git-dir / --work-tree.
    const placeVars = inv.assignments.filter((a) => GIT_PLACE_VARIABLES.has(a.text.slice(0, a.text.indexOf('='))));
    const elsewhere = [...git.elsewhere, ...placeVars.map((a) => ({ ...a, text: a.text.slice(a.text.indexOf('=') + 1) }))];

    // Where the command acts: a repository outside the worktree is outside, whatever the subcommand says.
    if (MUTATING.has(sub) && !(sub === 'branch' && ops.length === 0 && flags.length === 0)) {
      let where = cwdOf.get(inv.id);
      for (const dir of git.dirs) where = pathsOf(dir, where, ctx);
      const places = [where, ...elsewhere.map((w) => pathsOf(w, where, ctx))];
      if (sub === 'clone') places.push(pathsOf(ops[1] ?? { ...args[0]!, text: '.' }, where, ctx));
      // `worktree add PATH`, `move OLD NEW`, `remove PATH`: the other worktree is outside this one.
      if (sub === 'worktree' && ['add', 'move', 'remove'].includes(ops[0]?.text ?? '')) {
        const named = operands(args, new Set(['-b', '-B', '--reason'])).slice(1);
        const paths = ops[0]!.text === 'add' ? named.slice(0, 1) : named;
        for (const w of paths) places.push(pathsOf(w, where, ctx));
      }
      if (sub === 'config') {
        for (const w of optionValues(args, ['-f', '--file'])) places.push(pathsOf(w, where, ctx));
      }
      const outside = places.some((w) => w === undefined || w.some((p) => !isInside(ctx.sessionDir, p)));
      if (outside && sub !== 'push') {
        const rule = sub === 'clean' ? HARD_DENY.recursiveDeleteOutside : HARD_DENY.writeOutside;
        return deny(rule, `\`git ${sub}\` would change a repository outside the worktree.`);
      }
    }

    const reading = flags.some((f) => ['--get', '--get-all', '--get-regexp', '--list', '-l'].includes(f));
    if (sub === 'config' && !reading && flags.some((f) => f === '--global' || f === '--system')) {
      return deny(HARD_DENY.writeOutside, `\`git config ${flags.includes('--global') ? '--global' : '--system'}\` changes settings outside the worktree.`);
    }
    const planted = sub === 'config' && !reading ? dangerousConfigWrite(args) : undefined;
    if (planted) {
      return deny(
        HARD_DENY.writeOutside,
        `\`git config ${planted}\` would write the repository's shared config, outside the worktree, where it changes what git runs for you later.`,
      );
    }

    if (sub === 'push') {
      const force =
        flags.some((f) => ['--force', '--mirror', '--delete', '--prune', '--force-if-includes'].includes(f) || f.startsWith('--force-with-lease')) ||
        /[fd]/.test(short) ||
        ops.slice(1).some((r) => r.text.startsWith('+') || r.text.startsWith(':'));
      if (force) return deny(HARD_DENY.gitForcePush, 'Force pushes and remote branch deletions can destroy published history.');
      if (flags.some((f) => f === '--all' || f === '--branches' || f === '--mirror')) {
        return deny(HARD_DENY.gitPushProtected, `Pushing every branch would push ${listed}.`);
      }
      const refspecs = ops.slice(1).map((r) => r.text);
      const targets = refspecs.length === 0 ? ['HEAD'] : refspecs.map((r) => refName(r.includes(':') ? r.slice(r.indexOf(':') + 1) : r));
      for (const target of targets) {
        if (target === 'HEAD' || target === '@') {
          const why = onProtected();
          if (why) return deny(HARD_DENY.gitPushProtected, `Pushing the current branch is refused: ${why}; omk never pushes to ${listed}.`);
        } else if (protectedNames.has(target)) {
          return deny(HARD_DENY.gitPushProtected, `omk never pushes to ${target}; push a task branch and open a pull request.`);
        }
      }
    }

    const rewrite = (what: string): ApprovalDecision =>
      deny(HARD_DENY.gitHistoryRewrite, `\`git ${sub}\` ${what}; history of ${listed} is never rewritten.`);
    if (sub === 'filter-branch' || sub === 'filter-repo') return rewrite('rewrites many branches at once');
    if (sub === 'commit' && flags.includes('--amend')) {
      const why = onProtected();
      if (why) return rewrite(`--amend is refused because ${why}`);
    }
    if (sub === 'rebase' && !flags.some((f) => ['--abort', '--quit', '--show-current-patch', '--edit-todo'].includes(f))) {
      const rebased = ops[1]?.text; // `git rebase UPSTREAM BRANCH` rebases BRANCH
      if (rebased !== undefined && protectedNames.has(refName(rebased))) return rewrite(`would rebase ${rebased}`);
      const why = rebased === undefined ? onProtected() : undefined;
      if (why) return rewrite(`is refused because ${why}`);
    }
    if (sub === 'reset' && flags.some((f) => ['--hard', '--soft', '--keep', '--merge', '--mixed'].includes(f))) {
      const target = ops[0]?.text;
      if (target !== undefined && target !== 'HEAD' && target !== '@') {
        const why = onProtected();
        if (why) return rewrite(`would move the branch pointer and ${why}`);
      }
    }
    if (sub === 'branch' && (flags.some((f) => ['--force', '--delete', '--move', '--copy'].includes(f)) || /[fdDmMC]/.test(short))) {
      const hit = ops.find((w) => protectedNames.has(refName(w.text)));
      if (hit) return rewrite(`would move or delete ${hit.text}`);
    }
    // A linked worktree shares refs/stash with the main checkout: dropping entries loses the user's stashes.
    if (sub === 'stash' && ['clear', 'drop', 'pop'].includes(ops[0]?.text ?? '')) {
      return deny(HARD_DENY.writeOutside, `\`git stash ${ops[0]!.text}\` would remove entries from the stash every worktree of the repository shares, the user's included.`);
    }
    // Pointing HEAD at another branch makes the next reset or commit move that branch instead of the task's.
    if (sub === 'symbolic-ref' && (ops.length >= 2 || flags.some((f) => f === '-d' || f === '--delete'))) {
      return rewrite('would point HEAD at another branch, so a later reset or commit moves it');
    }
    if (sub === 'update-ref') {
      const hit = ops.find((w) => protectedNames.has(refName(w.text)) && w.text.startsWith('refs/heads/'));
      if (hit) return rewrite(`would move ${hit.text}`);
    }
    if ((sub === 'checkout' || sub === 'switch') && (flags.includes('-B') || flags.includes('-C') || flags.includes('--force-create'))) {
      const name = args.find((w, k) => ['-B', '-C', '--force-create'].includes(args[k - 1]?.text ?? ''));
      if (name && protectedNames.has(refName(name.text))) return rewrite(`would reset ${name.text}`);
    }

    // Track the branch a chain switches to, so `git checkout main && git commit --amend` is seen.
    if (sub === 'checkout' || sub === 'switch') {
      const created = args.find((w, k) => ['-b', '-B', '-c', '-C', '--create', '--force-create'].includes(args[k - 1]?.text ?? ''));
      const named = created ?? ops.find((w) => protectedNames.has(refName(w.text)));
      if (created) branch = created.text;
      else if (named) branch = refName(named.text);
      else if (ops.some((w) => w.text === '-') || flags.includes('--detach')) branch = undefined;
    }
  }
  return undefined;
}
