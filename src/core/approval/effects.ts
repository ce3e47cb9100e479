import { basename, FIND_FILTERS } from './invocations.js';
import type { Invocation } from './invocations.js';
import type { Word } from './shell-lexer.js';
import { toolEffects } from './tool-effects.js';

/**
 * What an invocation writes or deletes, read off its arguments. Only programs whose arguments name
 * files they change are listed; anything else is judged by the allow list, not here. The list errs
 * toward "writes": a false write inside the worktree costs nothing, a missed one outside does.
 */

export type EffectKind = 'write' | 'delete';

export interface Effect {
  kind: EffectKind;
  /** The word naming the path; `undefined` when the target is somewhere the command text cannot show. */
  word: Word | undefined;
  recursive: boolean;
  /** It acts on some entries below the path (a filtered `find -delete`), not on the path itself. */
  within?: boolean;
  /** Why the target is not a local path (a remote host, the global package store). */
  elsewhere?: string;
  /** The program or redirection that causes it, for the reason sentence. */
  by: string;
}

const OUTPUT_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

function word(text: string): Word {
  return { text, dynamic: false, glob: false, tilde: false, brace: false, quoted: true, substitutions: [] };
}

/** Operands (non-option arguments) after argv[0], skipping the values of options in `withValue`. */
export function operands(argv: Word[], withValue: ReadonlySet<string> = new Set()): Word[] {
  const out: Word[] = [];
  let literal = false;
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (!literal && w.text === '--') literal = true;
    else if (!literal && w.text.startsWith('-') && w.text !== '-') {
      if (withValue.has(w.text)) i++;
    } else out.push(w);
  }
  return out;
}

/** The value of `-o X`, `--output X`, `--output=X`, or `-oX` (short forms only when `glued`). */
export function optionValues(argv: Word[], names: string[], glued = false): Word[] {
  const out: Word[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w.text === '--') break;
    for (const name of names) {
      if (w.text === name && argv[i + 1]) out.push(argv[i + 1]!);
      else if (name.startsWith('--') && w.text.startsWith(`${name}=`)) out.push({ ...w, text: w.text.slice(name.length + 1) });
      else if (glued && !name.startsWith('--') && w.text.startsWith(name) && w.text.length > name.length) {
        out.push({ ...w, text: w.text.slice(name.length) });
      }
    }
  }
  return out;
}

function hasFlag(argv: Word[], short: string, long: string[] = []): boolean {
  return argv.slice(1).some((w) => {
    const t = w.text;
    if (long.includes(t)) return true;
    return /^-[A-Za-z]+$/.test(t) && t.slice(1).includes(short);
  });
}

const FD_DUP = /^(\d+|-)$/;
const HARMLESS_DEVICES = /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/;

export function isHarmlessDevice(path: string): boolean {
  return HARMLESS_DEVICES.test(path);
}

export function effectsOf(inv: Invocation): Effect[] {
  const effects: Effect[] = [];
  for (const r of inv.redirects) {
    // `2>&1` duplicates a descriptor; `>& file` (bash) writes a file.
    if (OUTPUT_REDIRECTS.has(r.op) || (r.op === '>&' && !FD_DUP.test(r.target.text))) {
      effects.push({ kind: 'write', word: r.target, recursive: false, by: `redirection ${r.op}` });
    }
  }
  const add = (kind: EffectKind, words: Word[], recursive = false): void => {
    for (const w of words) effects.push({ kind, word: w, recursive, by: inv.program });
  };
  const argv = inv.argv;
  const ops = (withValue?: string[]): Word[] => operands(argv, new Set(withValue ?? []));
  if (inv.dynamicArgs && ['rm', 'rmdir', 'unlink', 'shred', 'mv', 'cp', 'ln', 'tee', 'touch', 'mkdir', 'chmod', 'chown', 'chgrp', 'truncate'].includes(inv.program)) {
    effects.push({ kind: 'write', word: undefined, recursive: true, by: `${inv.program} with arguments from stdin` });
  }
  switch (inv.program) {
    case 'rm':
      add('delete', ops(), hasFlag(argv, 'r', ['--recursive']) || hasFlag(argv, 'R'));
      break;
    case 'rimraf':
    case 'del':
    case 'del-cli':
    case 'trash':
      add('delete', ops(), true);
      break;
    case 'npx':
    case 'bunx': {
      // `npx rimraf /` runs rimraf: judge the package's own arguments too.
      let i = 1;
      while (i < argv.length && argv[i]!.text.startsWith('-')) i += ['-p', '--package', '-c', '--call'].includes(argv[i]!.text) ? 2 : 1;
      const inner = argv.slice(i);
      if (inner.length > 0) effects.push(...effectsOf({ ...inv, argv: inner, program: basename(inner[0]!.text), redirects: [] }));
      break;
    }
    case 'rmdir':
    case 'unlink':
    case 'shred':
      add('delete', ops(['-n', '-s', '--iterations', '--size']));
      break;
    case 'mv': {
      const target = optionValues(argv, ['-t', '--target-directory']);
      const list = ops(['-t', '-S', '--suffix', '--target-directory']);
      if (target.length > 0) {
        add('write', target);
        add('delete', list);
      } else {
        add('delete', list.slice(0, -1));
        add('write', list.slice(-1));
      }
      break;
    }
    case 'cp':
    case 'install':
    case 'rsync':
    case 'scp': {
      const withValue = inv.program === 'scp' ? ['-P', '-i', '-o', '-F', '-c', '-l', '-J', '-S'] : ['-t', '-S', '-m', '-o', '-g', '--target-directory', '-e', '--rsh', '--exclude', '--include', '--suffix'];
      const target = optionValues(argv, ['-t', '--target-directory']);
      const list = ops(withValue);
      const dest = target.length > 0 ? target : list.slice(-1);
      for (const d of dest) {
        if (/^[^/]*:/.test(d.text) && !d.text.startsWith('./')) {
          effects.push({ kind: 'write', word: d, recursive: false, elsewhere: 'another host', by: inv.program });
        } else {
          effects.push({ kind: 'write', word: d, recursive: true, by: inv.program });
        }
      }
      if (inv.program === 'rsync' && argv.some((w) => w.text.startsWith('--delete') || w.text === '--remove-source-files')) {
        add('delete', dest, true);
      }
      break;
    }
    case 'ln': {
      const target = optionValues(argv, ['-t', '--target-directory']);
      const list = ops(['-t', '-S', '--suffix', '--target-directory']);
      if (target.length > 0) add('write', target);
      else if (list.length === 1) add('write', [word('.')]);
      else add('write', list.slice(-1));
      break;
    }
    case 'touch':
    case 'mkdir':
    case 'mkfifo':
    case 'mknod':
      add('write', inv.program === 'mknod' ? ops().slice(0, 1) : ops(['-m', '-d', '-t', '-r', '--mode', '--date', '--reference', '-Z', '--context']));
      break;
    case 'truncate':
      add('write', ops(['-s', '-r', '--size', '--reference']));
      break;
    case 'chmod':
    case 'chown':
    case 'chgrp':
    case 'chattr':
    case 'setfacl': {
      const list = ops(['--reference', '-m', '-x', '-M', '-X']);
      const hasReference = argv.some((w) => w.text.startsWith('--reference'));
      add('write', hasReference ? list : list.slice(1), hasFlag(argv, 'R', ['--recursive']));
      break;
    }
    case 'tee':
      add('write', ops());
      break;
    case 'dd':
      for (const w of argv.slice(1)) if (w.text.startsWith('of=')) add('write', [{ ...w, text: w.text.slice(3) }]);
      break;
    case 'sed':
    case 'perl': {
      const inPlace = argv.slice(1).some((w) => w.text === '--in-place' || w.text.startsWith('--in-place=') || /^-[A-Za-z]*i/.test(w.text));
      if (!inPlace) break;
      const scripted = argv.some((w) => ['-e', '-f', '--expression', '--file'].includes(w.text) || /^-[A-Za-z]*e$/.test(w.text));
      const list = ops(['-e', '-f', '--expression', '--file', '-l']);
      add('write', scripted ? list : list.slice(1));
      break;
    }
    case 'sort':
      add('write', optionValues(argv, ['-o', '--output'], true));
      break;
    case 'curl':
      add('write', optionValues(argv, ['-o', '--output', '--output-dir'], true));
      if (argv.some((w) => w.text === '-O' || w.text === '--remote-name' || w.text === '--remote-name-all' || /^-[A-Za-z]*O$/.test(w.text))) add('write', [word('.')]);
      break;
    case 'wget': {
      const out = optionValues(argv, ['-O', '--output-document', '-P', '--directory-prefix', '-o', '--output-file', '-a', '--append-output'], true);
      add('write', out.filter((w) => w.text !== '-'));
      if (out.length === 0 && !argv.some((w) => w.text === '--spider')) add('write', [word('.')]);
      break;
    }
    case 'tar':
      tarEffects(argv, add);
      break;
    case 'unzip': {
      const dir = optionValues(argv, ['-d'], true);
      add('write', dir.length > 0 ? dir : [word('.')]);
      break;
    }
    case 'zip':
      add('write', ops(['-b', '-n', '-t', '-tt', '-x', '-i']).slice(0, 1));
      break;
    case 'patch':
      add('write', optionValues(argv, ['-o', '--output', '-d', '--directory'], true));
      add('write', [word('.')]);
      break;
    case 'find':
      findEffects(argv, effects);
      break;
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
      if (isGlobalInstall(argv)) effects.push({ kind: 'write', word: undefined, recursive: true, elsewhere: 'the global package directory', by: `${inv.program} global install` });
      break;
    case 'git':
      add('write', optionValues(argv, ['--output'], false));
      break;
    default:
      break;
  }
  effects.push(...toolEffects(inv));
  return effects;
}

function tarEffects(argv: Word[], add: (kind: EffectKind, words: Word[], recursive?: boolean) => void): void {
  const first = argv[1]?.text ?? '';
  const bundled = /^[A-Za-z]+$/.test(first) ? first : ''; // old style: `tar xzf a.tgz`
  const flags = argv.slice(1).filter((w) => /^-[A-Za-z]+$/.test(w.text)).map((w) => w.text.slice(1)).join('') + bundled;
  const extract = flags.includes('x') || argv.some((w) => w.text === '--extract' || w.text === '--get');
  const create = flags.includes('c') || flags.includes('r') || flags.includes('u') || argv.some((w) => ['--create', '--append', '--update'].includes(w.text));
  const dir = optionValues(argv, ['-C', '--directory']);
  if (extract) add('write', dir.length > 0 ? dir : [word('.')], true);
  if (create) {
    const files = optionValues(argv, ['-f', '--file']);
    if (files.length === 0 && bundled.includes('f')) {
      const file = argv[2];
      if (file) add('write', [file]);
    } else add('write', files.filter((w) => w.text !== '-'));
    // A cluster such as `-czf out.tgz` glues f last; its value is the next word.
    for (let i = 1; i < argv.length; i++) {
      const t = argv[i]!.text;
      if (/^-[A-Za-z]*f$/.test(t) && t !== '-f' && argv[i + 1]) add('write', [argv[i + 1]!]);
    }
  }
}

function findEffects(argv: Word[], effects: Effect[]): void {
  const roots: Word[] = [];
  for (let i = 1; i < argv.length; i++) {
    const t = argv[i]!.text;
    if (t.startsWith('-') || t === '(' || t === '!') break;
    roots.push(argv[i]!);
  }
  const within = argv.some((w) => FIND_FILTERS.has(w.text));
  if (argv.some((w) => w.text === '-delete')) {
    for (const root of roots.length > 0 ? roots : [word('.')]) effects.push({ kind: 'delete', word: root, recursive: true, within, by: 'find -delete' });
  }
  for (const w of optionValues(argv, ['-fprint', '-fprint0', '-fprintf', '-fls'])) effects.push({ kind: 'write', word: w, recursive: false, by: 'find' });
}

function isGlobalInstall(argv: Word[]): boolean {
  const texts = argv.map((w) => w.text);
  if (!texts.some((t) => t === '-g' || t === '--global' || t === 'global' || t === '--location=global')) return false;
  return texts.some((t) => ['install', 'i', 'add', 'update', 'up', 'uninstall', 'remove', 'rm', 'link', 'ln'].includes(t));
}
