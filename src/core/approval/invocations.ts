import { GIT_COMMAND_VARIABLES, GIT_CONFIG_VARIABLES, gitConfigKind } from './git-config.js';
import { isAssignmentWord, lexShell } from './shell-lexer.js';
import type { Word } from './shell-lexer.js';
import { newCounter, parseShell } from './shell-parse.js';
import type { ParseCounter, Redirect, SimpleCommand } from './shell-parse.js';

/**
 * From simple commands to *invocations*: the programs that actually run. Wrappers that only change how
 * a program runs (`sudo`, `env X=1`, `timeout 60`, `nice`) are peeled off and remembered; carriers that
 * run a command given as text (`bash -c '…'`, `eval`, `xargs cmd`, `find -exec`, `watch`) are parsed
 * again, so `bash -c 'rm -rf ~'` is judged as `rm -rf ~`.
 */

export type InvocationOrigin =
  | SimpleCommand['origin']
  | 'shell-c'
  | 'shell-stdin'
  | 'eval'
  | 'xargs'
  | 'find-exec'
  | 'watch'
  | 'su-c'
  | 'package-runner'
  | 'git-config';

export interface Invocation {
  id: number;
  parent?: number;
  origin: InvocationOrigin;
  argv: Word[];
  /** Basename of argv[0]; '' when the command only assigns variables or redirects. */
  program: string;
  /** Peeled-off wrappers, outermost first: `sudo env FOO=1 npm test` → ['sudo', 'env']. */
  wrappers: string[];
  assignments: Word[];
  redirects: Redirect[];
  pipeline: number;
  stage: number;
  scoped: boolean;
  after: SimpleCommand['after'];
  /** It only carries other commands (listed separately); judge those instead. */
  carrier: boolean;
  /** More arguments are appended at run time (`xargs`). */
  dynamicArgs: boolean;
  /** `env -C DIR`: the directory it runs in. */
  chdir?: Word;
  /**
   * Run by a package runner (`npx X`, `npm exec X`): the hard denies judge it, the allow lists and
   * rules judge the runner's own invocation (`npx vitest *`).
   */
  runBy?: string;
}

export interface CommandAnalysis {
  invocations: Invocation[];
  problems: string[];
}

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox-sh']);
export const PRIVILEGE = new Set(['sudo', 'su', 'doas', 'pkexec', 'runuser', 'run0']);

/** Wrapper → its options that take a value. */
const WRAPPERS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--prompt', '--chdir', '--host', '--role', '--type', '--other-user', '--close-from', '--command-timeout']),
  doas: new Set(['-u', '-C']),
  pkexec: new Set(['--user']),
  runuser: new Set(['-u', '-g', '-G', '--user', '--group']),
  run0: new Set(['-u', '-g', '--user', '--group', '-D', '--chdir']),
  command: new Set(),
  builtin: new Set(),
  exec: new Set(['-a']),
  nohup: new Set(),
  time: new Set(['-f', '-o', '--format', '--output']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e', '--input', '--output', '--error']),
  setsid: new Set(),
  chronic: new Set(),
  unbuffer: new Set(),
  busybox: new Set(),
  caffeinate: new Set(['-t', '-w']),
};

/** Package runners: the subcommand (if any) that makes them run a package's binary. */
const PACKAGE_RUNNERS: Record<string, string | undefined> = { npx: undefined, bunx: undefined, pnpx: undefined, npm: 'exec', pnpm: 'dlx', yarn: 'dlx', bun: 'x' };
const RUNNER_SUBCOMMANDS: Record<string, readonly string[]> = { npm: ['exec', 'x'], pnpm: ['dlx', 'exec'], yarn: ['dlx', 'exec'], bun: ['x'] };
const RUNNER_WITH_VALUE = new Set(['-p', '--package', '-w', '--workspace', '-C', '--dir', '--prefix']);

/** Programs that run a command given in their arguments, with option grammars omk does not follow. */
const UNFOLLOWED_RUNNERS = new Set([
  'flock', 'script', 'strace', 'ltrace', 'chroot', 'unshare', 'nsenter', 'setpriv', 'firejail', 'xvfb-run', 'dbus-run-session',
  'numactl', 'prlimit', 'cgexec', 'taskset', 'chrt', 'sg', 'parallel', 'expect', 'daemonize', 'start-stop-daemon', 'tsp',
  'systemd-run', 'at', 'batch', 'ssh-agent', 'dtach', 'tmux', 'screen',
]);

export const FIND_FILTERS = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type', '-newer', '-mtime', '-mmin', '-size', '-empty', '-user', '-perm']);

export function basename(text: string): string {
  const i = text.lastIndexOf('/');
  return i === -1 ? text : text.slice(i + 1);
}

function isOption(word: Word | undefined): boolean {
  return word !== undefined && word.text.startsWith('-') && word.text !== '-';
}

function synthetic(text: string): Word {
  return { text, dynamic: false, glob: false, tilde: false, brace: false, quoted: true, substitutions: [] };
}

export function analyzeCommand(src: string, counter: ParseCounter = newCounter(), depth = 0): CommandAnalysis {
  const parsed = parseShell(src, counter, depth);
  const out: CommandAnalysis = { invocations: [], problems: [...parsed.problems] };
  for (const command of parsed.commands) expand(command, command.words, command.origin, counter, depth, out);
  return out;
}

/** Adds the invocation(s) for one command (words already split) to `out`. */
function expand(
  command: SimpleCommand,
  words: Word[],
  origin: InvocationOrigin,
  counter: ParseCounter,
  depth: number,
  out: CommandAnalysis,
): void {
  const inv: Invocation = {
    id: command.id,
    origin,
    argv: [],
    program: '',
    wrappers: [],
    assignments: [...command.assignments],
    redirects: command.redirects,
    pipeline: command.pipeline,
    stage: command.stage,
    scoped: command.scoped,
    after: command.after,
    carrier: false,
    dynamicArgs: false,
  };
  if (command.parent !== undefined) inv.parent = command.parent;
  let argv = words;
  const nested: Array<{ source: string; origin: InvocationOrigin; dynamic: boolean }> = [];

  for (;;) {
    const name = basename(argv[0]?.text ?? '');
    if (name === 'env') {
      inv.wrappers.push('env');
      let i = 1;
      for (; i < argv.length; i++) {
        const t = argv[i]!.text;
        if (['-i', '-', '--ignore-environment', '-0', '--null', '-v', '--debug'].includes(t)) continue;
        if (t === '--') {
          i++;
          break;
        }
        if (t === '-u' || t === '--unset') i++;
        else if (t.startsWith('--unset=')) continue;
        else if (t === '-C' || t === '--chdir') {
          const dir = argv[++i];
          if (dir) inv.chdir = dir;
        } else if (t.startsWith('--chdir=')) inv.chdir = { ...argv[i]!, text: t.slice(8) };
        else if (t === '-S' || t.startsWith('--split-string') || /^-[^-]*S/.test(t)) {
          out.problems.push('`env -S` splits a string into a command, which is not followed');
          break;
        } else if (isAssignmentWord(argv[i]!)) inv.assignments.push(argv[i]!);
        else break;
      }
      argv = argv.slice(i);
      continue;
    }
    if (name === 'su') {
      inv.wrappers.push('su');
      const c = argv.findIndex((w) => w.text === '-c' || w.text === '--command');
      const script = c === -1 ? undefined : argv[c + 1];
      if (script) nested.push({ source: script.text, origin: 'su-c', dynamic: script.dynamic });
      argv = [];
      inv.carrier = script !== undefined;
      break;
    }
    const withValue = WRAPPERS[name];
    if (withValue === undefined || argv.length === 0) break;
    // `command -v x` looks a name up; it does not run x.
    if (name === 'command' && (argv[1]?.text === '-v' || argv[1]?.text === '-V')) break;
    inv.wrappers.push(name);
    let i = 1;
    while (i < argv.length && isOption(argv[i])) {
      const t = argv[i]!.text;
      if (t === '--') {
        i++;
        break;
      }
      i += withValue.has(t) ? 2 : 1;
      // `nice -10 cmd` and `sudo -u root cmd` are handled above; a value glued on (`-n10`) needs nothing.
    }
    if (name === 'timeout' && i < argv.length) i++; // the duration
    argv = argv.slice(i);
  }

  inv.argv = argv;
  inv.program = basename(argv[0]?.text ?? '');
  if (argv[0]?.dynamic === true) out.problems.push(`the program \`${argv[0].text}\` is filled in at run time`);
  const program = inv.program;

  if (SHELLS.has(program)) {
    let i = 1;
    let hasC = false;
    let readsStdin = false;
    for (; i < argv.length; i++) {
      const t = argv[i]!.text;
      if (t === '--' || t === '-') {
        i++;
        break;
      }
      if (!t.startsWith('-') && !t.startsWith('+')) break;
      if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(t)) i++;
      else {
        if (!t.startsWith('--') && t.slice(1).includes('c')) hasC = true;
        if (!t.startsWith('--') && t.slice(1).includes('s')) readsStdin = true;
      }
    }
    const script = argv[i];
    // `-s`, or a script named /dev/stdin: the commands come from stdin whatever else is named.
    const fromStdin = !hasC && (readsStdin || script?.text === '/dev/stdin' || script?.text === '/proc/self/fd/0');
    if (fromStdin) {
      const stdinScript = command.redirects.find((r) => ['<<', '<<-', '<<<'].includes(r.op));
      if (stdinScript) {
        const text = stdinScript.op === '<<<' ? stdinScript.target.text : (stdinScript.body ?? '');
        nested.push({ source: text, origin: 'shell-stdin', dynamic: stdinScript.op === '<<<' && stdinScript.target.dynamic });
        inv.carrier = true;
      } else if (command.stage > 0) {
        out.problems.push(`\`${program}\` reads its commands from a pipe`);
      }
    } else if (hasC) {
      if (script) nested.push({ source: script.text, origin: 'shell-c', dynamic: script.dynamic });
      inv.carrier = true;
    } else if (!script) {
      const stdinScript = command.redirects.find((r) => ['<<', '<<-', '<<<'].includes(r.op));
      if (stdinScript) {
        const text = stdinScript.op === '<<<' ? stdinScript.target.text : (stdinScript.body ?? '');
        nested.push({ source: text, origin: 'shell-stdin', dynamic: stdinScript.op === '<<<' && stdinScript.target.dynamic });
        inv.carrier = true;
      } else if (command.stage > 0) {
        out.problems.push(`\`${program}\` reads its commands from a pipe`);
      }
    }
  } else if (program === 'eval') {
    const rest = argv.slice(1);
    nested.push({ source: rest.map((w) => w.text).join(' '), origin: 'eval', dynamic: rest.some((w) => w.dynamic) });
    inv.carrier = true;
  } else if (program === 'watch') {
    let i = 1;
    while (i < argv.length && isOption(argv[i])) i += ['-n', '--interval'].includes(argv[i]!.text) ? 2 : 1;
    const rest = argv.slice(i);
    if (rest.length > 0) {
      nested.push({ source: rest.map((w) => w.text).join(' '), origin: 'watch', dynamic: rest.some((w) => w.dynamic) });
      inv.carrier = true;
    }
  }

  if (UNFOLLOWED_RUNNERS.has(program) && argv.length > 1) {
    out.problems.push(`\`${program}\` runs a command that is not followed`);
  }
  if (program === 'git') gitConfigCommands(argv, nested, out);
  for (const a of inv.assignments) {
    const name = a.text.slice(0, a.text.indexOf('='));
    const value = a.text.slice(a.text.indexOf('=') + 1);
    if (GIT_COMMAND_VARIABLES.has(name)) nested.push({ source: value, origin: 'git-config', dynamic: a.dynamic });
    else if (GIT_CONFIG_VARIABLES.test(name)) out.problems.push(`\`${name}\` injects git configuration, which is not followed`);
  }

  out.invocations.push(inv);

  const runner = runnerCommand(argv);
  if (runner.length > 0) {
    const before = out.invocations.length;
    expand(childCommand(command, counter, inv.id), runner, 'package-runner', counter, depth, out);
    for (const added of out.invocations.slice(before)) added.runBy = program;
  }
  if (program === 'git') {
    const aliased = gitAliasCommand(argv);
    if (aliased) expand(childCommand(command, counter, inv.id), aliased, 'git-config', counter, depth, out);
  }

  if (program === 'xargs') {
    const withArg = new Set(['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--replace']);
    let i = 1;
    while (i < argv.length && isOption(argv[i])) i += withArg.has(argv[i]!.text) ? 2 : 1;
    if (i < argv.length) {
      inv.carrier = true;
      const child = childCommand(command, counter, inv.id);
      const before = out.invocations.length;
      expand(child, argv.slice(i), 'xargs', counter, depth, out);
      for (const added of out.invocations.slice(before)) added.dynamicArgs = true;
    }
  } else if (program === 'find') {
    expandFindExec(command, argv, counter, depth, out, inv.id);
  }

  for (const n of nested) {
    if (n.dynamic) out.problems.push(`\`${program || inv.wrappers.at(-1) || 'a wrapper'}\` runs a command that is filled in at run time`);
    const inner = analyzeCommand(n.source, counter, depth + 1);
    out.problems.push(...inner.problems);
    for (const child of inner.invocations) {
      child.scoped = true;
      // The carrier itself keeps its place in the outer pipeline; its script has pipelines of its own.
      if (child.parent === undefined) {
        child.parent = inv.id;
        child.origin = n.origin;
      }
    }
    out.invocations.push(...inner.invocations);
  }
}

/** The package binary and its arguments that `npx X …`, `npm exec X …`, `pnpm dlx X …` run; [] otherwise. */
function runnerCommand(argv: Word[]): Word[] {
  const name = basename(argv[0]?.text ?? '');
  if (!(name in PACKAGE_RUNNERS)) return [];
  let i = 1;
  const subs = RUNNER_SUBCOMMANDS[name];
  if (subs !== undefined) {
    while (i < argv.length && isOption(argv[i])) i += RUNNER_WITH_VALUE.has(argv[i]!.text) ? 2 : 1;
    if (!subs.includes(argv[i]?.text ?? '')) return [];
    i++;
  }
  while (i < argv.length && isOption(argv[i])) {
    const t = argv[i]!.text;
    if (t === '--') {
      i++;
      break;
    }
    i += RUNNER_WITH_VALUE.has(t) ? 2 : 1;
  }
  return argv.slice(i);
}

interface GitSetting {
  key: string;
  value: Word | undefined;
}

/** `-c KEY=VALUE` and `--config-env KEY=ENVVAR` before the subcommand, and the subcommand's index. */
function gitSettings(argv: Word[]): { settings: GitSetting[]; sub: number } {
  const settings: GitSetting[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.text.startsWith('-')) break;
    if (w.text === '-c' || w.text === '--config-env') {
      const v = argv[++i];
      if (v !== undefined) settings.push(split(v, w.text === '-c'));
    } else if (w.text.startsWith('--config-env=')) {
      settings.push(split({ ...w, text: w.text.slice('--config-env='.length) }, false));
    } else if (['-C', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--super-prefix'].includes(w.text)) {
      i++;
    }
  }
  return { settings, sub: i };
}

function split(word: Word, literal: boolean): GitSetting {
  const eq = word.text.indexOf('=');
  const key = eq === -1 ? word.text : word.text.slice(0, eq);
  // --config-env takes the value from an environment variable: unknown here.
  return { key, value: literal ? { ...word, text: eq === -1 ? 'true' : word.text.slice(eq + 1) } : undefined };
}

/** Shell commands that `git -c` settings make git run, and settings omk cannot follow. */
function gitConfigCommands(argv: Word[], nested: Array<{ source: string; origin: InvocationOrigin; dynamic: boolean }>, out: CommandAnalysis): void {
  const { settings, sub } = gitSettings(argv);
  const subcommand = argv[sub]?.text;
  for (const { key, value } of settings) {
    const kind = gitConfigKind(key);
    if (kind === undefined) continue;
    if (kind === 'alias' && key.slice(key.indexOf('.') + 1) !== subcommand) continue;
    if (value === undefined || kind === 'unfollowed') {
      out.problems.push(`\`git -c ${key}\` changes what git runs or where it goes, which is not followed`);
    } else if (kind === 'command') {
      nested.push({ source: value.text.replace(/^!/, ''), origin: 'git-config', dynamic: value.dynamic });
    } else if (value.text.startsWith('!')) {
      nested.push({ source: value.text.slice(1), origin: 'git-config', dynamic: value.dynamic });
    }
  }
}

/** `git -c alias.p='push --force' p ARGS` runs `git push --force ARGS`; the argv of that, or undefined. */
function gitAliasCommand(argv: Word[]): Word[] | undefined {
  const { settings, sub } = gitSettings(argv);
  const subcommand = argv[sub]?.text;
  const alias = settings.find((s) => s.value !== undefined && s.key.toLowerCase() === `alias.${subcommand ?? ''}`.toLowerCase());
  if (!alias?.value || alias.value.text.startsWith('!')) return undefined;
  const words = lexShell(alias.value.text).tokens.flatMap((t) => (t.t === 'word' ? [t.word] : []));
  return [argv[0]!, ...words, ...argv.slice(sub + 1)];
}

function childCommand(command: SimpleCommand, counter: ParseCounter, parent: number): SimpleCommand {
  return { ...command, id: counter.nextId++, parent, assignments: [], redirects: [], scoped: true };
}

/** `find ROOTS … -exec cmd {} ;`: the command runs on paths under the roots, so `{}` stands for them. */
function expandFindExec(
  command: SimpleCommand,
  argv: Word[],
  counter: ParseCounter,
  depth: number,
  out: CommandAnalysis,
  parent: number,
): void {
  const roots = findRoots(argv);
  // With a filter (`-name '*.o'`) the command runs on entries below a root, not on the root itself.
  const filtered = argv.some((w) => FIND_FILTERS.has(w.text));
  for (let i = 1; i < argv.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(argv[i]!.text)) continue;
    let end = i + 1;
    while (end < argv.length && argv[end]!.text !== ';' && argv[end]!.text !== '+') end++;
    const words = argv.slice(i + 1, end);
    for (const root of roots) {
      const found = filtered ? `${root.text.replace(/\/$/, '')}/{}` : root.text;
      const replaced = words.map((w) => (w.text.includes('{}') ? { ...root, text: w.text.split('{}').join(found) } : w));
      expand(childCommand(command, counter, parent), replaced, 'find-exec', counter, depth, out);
    }
    i = end;
  }
}

/** The starting points of a `find`: operands before the first expression; `.` when none. */
export function findRoots(argv: Word[]): Word[] {
  const roots: Word[] = [];
  let i = 1;
  while (i < argv.length && ['-H', '-L', '-P', '-O0', '-O1', '-O2', '-O3'].includes(argv[i]!.text)) i++;
  if (argv[i]?.text === '-D') i += 2;
  for (; i < argv.length; i++) {
    const t = argv[i]!.text;
    if (t.startsWith('-') || t === '(' || t === '!' || t === ',') break;
    roots.push(argv[i]!);
  }
  return roots.length > 0 ? roots : [synthetic('.')];
}
