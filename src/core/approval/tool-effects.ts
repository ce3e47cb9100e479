import type { Effect } from './effects.js';
import type { Invocation } from './invocations.js';
import { readSedScript, sedScripts } from './sed-script.js';
import type { Word } from './shell-lexer.js';

/**
 * What build, test and text tools write through their own options: output files and directories
 * (`-o`, `--outDir`, `--basetemp`), the directory they run in (`make -C`, `npm --prefix`, `cargo
 * --manifest-path`: everything below it may be written), code from elsewhere they run (`make -f`,
 * `node --require`, `make --eval`), and sed scripts that write files or run commands. A tool in the
 * allow list is allowed for its usual work, not for these.
 */

/** Long options, any program: a value here names where the tool writes. */
const OUTPUT_OPTION = /^--(?:[a-z]+-)*(?:out|output|outdir|out-dir|outfile|out-file|output-file|output-dir|output-directory|outputfile|basetemp|target-dir|prefix|dest|destination|declarationdir|declaration-dir|tsbuildinfofile|coveragedirectory|coverage-directory|cachedirectory|cache-directory|cache-location|reports-directory|reportsdirectory|junitxml|junit-xml|report-directory|diagnostic-dir|cpu-prof-dir|heap-prof-dir|target|root|build-dir|builddir|install-dir|installdir|bindir|libdir|log-file|logfile)$/i;
/** Long options naming the directory or manifest a tool works in: it may write anywhere below. */
const WORKDIR_OPTION = /^--(?:directory|dir|cwd|manifest-path|project|rootdir|root-dir|workdir|work-dir|chdir)$/i;

/** Short options per program that name an output (`gcc -o x`) or a working directory (`make -C dir`). */
const SHORT_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  gcc: ['-o'], 'g++': ['-o'], cc: ['-o'], 'c++': ['-o'], clang: ['-o'], 'clang++': ['-o'], ld: ['-o'], as: ['-o'], rustc: ['-o'],
  go: ['-o'], eslint: ['-o'], cmake: ['-B'], pip: ['-t'], pip3: ['-t'], javac: ['-d'], tsc: [], esbuild: [], webpack: ['-o'], rollup: ['-o', '-d'],
};
const SHORT_WORKDIR: Readonly<Record<string, readonly string[]>> = { make: ['-C'], gmake: ['-C'], npm: ['-C'], pnpm: ['-C'], tsc: ['-p'], ninja: ['-C'] };
/** Options whose value is code or a recipe file this command runs without omk seeing it. */
const RUNS_FROM: Readonly<Record<string, readonly string[]>> = {
  make: ['-f', '--file', '--makefile', '--eval', '-E'],
  gmake: ['-f', '--file', '--makefile', '--eval', '-E'],
  node: ['-r', '--require', '--import', '--loader', '--experimental-loader', '--test-reporter'],
  ninja: ['-f'],
};

interface OptionValue {
  name: string;
  value: Word;
}

/** `--name value`, `--name=value`, and for short names `-n value` / `-nvalue`. */
function optionsOf(argv: Word[]): OptionValue[] {
  const out: OptionValue[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i]!;
    if (w.text === '--') break;
    const eq = w.text.indexOf('=');
    if (w.text.startsWith('--') && eq > 0) out.push({ name: w.text.slice(0, eq), value: { ...w, text: w.text.slice(eq + 1) } });
    else if (w.text.startsWith('-') && argv[i + 1] !== undefined) out.push({ name: w.text, value: argv[i + 1]! });
    if (/^-[A-Za-z]$/.test(w.text.slice(0, 2)) && !w.text.startsWith('--') && w.text.length > 2) out.push({ name: w.text.slice(0, 2), value: { ...w, text: w.text.slice(2) } });
  }
  return out;
}

export function toolEffects(inv: Invocation): Effect[] {
  const effects: Effect[] = [];
  const program = inv.program;
  if (program === 'sed') return sedEffects(inv);
  const shortOut = SHORT_OUTPUT[program] ?? [];
  const shortDir = SHORT_WORKDIR[program] ?? [];
  const runs = RUNS_FROM[program] ?? [];
  for (const { name, value } of optionsOf(inv.argv)) {
    const by = `${program} ${name}`;
    if (runs.includes(name)) {
      // A bare package name (`--require ts-node/register`) resolves inside the project; a path must stay inside.
      if (name === '--eval' || name === '-E') effects.push({ kind: 'write', word: undefined, recursive: true, by: `${by} (a recipe omk cannot check)` });
      else if (/^[./~$]/.test(value.text) || value.dynamic) effects.push({ kind: 'write', word: value, recursive: true, by: `${by} (code it runs)` });
    } else if (WORKDIR_OPTION.test(name) || shortDir.includes(name)) {
      effects.push({ kind: 'write', word: value, recursive: true, by });
    } else if (OUTPUT_OPTION.test(name) || shortOut.includes(name)) {
      // pytest empties its --basetemp: a delete, not only a write.
      effects.push({ kind: /basetemp/i.test(name) ? 'delete' : 'write', word: value, recursive: true, by });
    }
  }
  return effects;
}

/** `sed`: the files its script writes (`w`, `s///w`), commands it runs (`e`), and scripts omk cannot see (`-f`). */
function sedEffects(inv: Invocation): Effect[] {
  const effects: Effect[] = [];
  const { scripts, fromFile, sandboxed } = sedScripts(inv.argv.map((w) => w.text));
  if (sandboxed) return effects;
  if (fromFile) effects.push({ kind: 'write', word: undefined, recursive: true, by: 'sed -f (a script omk cannot see)' });
  for (const script of scripts) {
    const read = readSedScript(script);
    for (const file of read.writes) {
      if (file === '/dev/stdout' || file === '/dev/stderr') continue;
      effects.push({ kind: 'write', word: plain(file), recursive: false, by: 'sed w' });
    }
    if (read.executes.length > 0 || read.executesPatternSpace) effects.push({ kind: 'write', word: undefined, recursive: true, by: 'sed e (runs a command)' });
    if (read.problems.length > 0) effects.push({ kind: 'write', word: undefined, recursive: true, by: `sed (${read.problems[0]!})` });
  }
  return effects;
}

function plain(text: string): Word {
  return { text, dynamic: false, glob: false, tilde: false, brace: false, quoted: true, substitutions: [] };
}
