import { isAssignmentWord } from './shell-lexer.js';
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
  | 'su-c';

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
    for (; i < argv.length; i++) {
      const t = argv[i]!.text;
      if (t === '--' || t === '-') {
        i++;
        break;
      }
      if (!t.startsWith('-') && !t.startsWith('+')) break;
      if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(t)) i++;
      else if (!t.startsWith('--') && t.slice(1).includes('c')) hasC = true;
    }
    const script = argv[i];
    if (hasC) {
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

  out.invocations.push(inv);

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
