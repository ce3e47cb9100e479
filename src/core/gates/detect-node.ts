import { hasAnyFile, hasFile, type PackageJsonFacts, type RepoFacts } from './facts.js';
import { DEFAULT_GATE_TIMEOUT_MS, type GateSpec } from './spec.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Lockfiles in the order they are trusted when several are present. */
const LOCKFILES: ReadonlyArray<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** `npm init`'s placeholder: running it proves nothing. */
const PLACEHOLDER_TEST = /no test specified/;

/** The package manager and the sentence that says why. */
export function detectPackageManager(facts: RepoFacts, pkg: PackageJsonFacts): { pm: PackageManager; why: string } {
  const declared = /^(npm|pnpm|yarn|bun)@/.exec(pkg.packageManager ?? '');
  if (declared) return { pm: declared[1] as PackageManager, why: `package.json declares packageManager ${pkg.packageManager}` };
  for (const [file, pm] of LOCKFILES) {
    if (hasFile(facts, file)) return { pm, why: `${file} is present` };
  }
  return { pm: 'npm', why: 'no lockfile, so npm' };
}

function runScript(pm: PackageManager, script: string): string {
  if (pm === 'npm') return script === 'test' ? 'npm test' : `npm run ${script}`;
  if (pm === 'yarn') return `yarn run ${script}`;
  // `bun test` is bun's own test runner, not the script: always say `run`.
  return `${pm} run ${script}`;
}

/** Runs the project's own `tsc` and never downloads one (`npx tsc` without it installs an unrelated package). */
function localTsc(pm: PackageManager): string {
  switch (pm) {
    case 'npm':
      return 'npx --no -- tsc --noEmit';
    case 'pnpm':
      return 'pnpm exec tsc --noEmit';
    case 'yarn':
      return 'yarn run tsc --noEmit';
    case 'bun':
      return 'bun run tsc --noEmit';
  }
}

function gate(name: string, command: string, why: string): GateSpec {
  return { name, command, cwd: '.', timeoutMs: DEFAULT_GATE_TIMEOUT_MS, required: true, env: {}, source: 'detected', why };
}

/**
 * Node: the `test` script, a type check (the `typecheck` script, or `tsc --noEmit` when there is a
 * tsconfig.json and TypeScript is a dependency), and the `lint` script.
 */
export function detectNodeGates(facts: RepoFacts): GateSpec[] {
  const pkg = facts.packageJson;
  if (!pkg) return [];
  const { pm, why: pmWhy } = detectPackageManager(facts, pkg);
  const gates: GateSpec[] = [];
  const test = pkg.scripts.test;
  if (test !== undefined && test.trim() !== '' && !PLACEHOLDER_TEST.test(test)) {
    gates.push(gate('test', runScript(pm, 'test'), `package.json has a "test" script; ${pmWhy}`));
  }
  const typecheckScript = ['typecheck', 'type-check', 'types', 'check-types'].find((s) => pkg.scripts[s] !== undefined);
  const tsconfig = hasAnyFile(facts, ['tsconfig.json']);
  if (typecheckScript !== undefined) {
    gates.push(gate('typecheck', runScript(pm, typecheckScript), `package.json has a "${typecheckScript}" script; ${pmWhy}`));
  } else if (tsconfig && pkg.dependencies.includes('typescript')) {
    gates.push(gate('typecheck', localTsc(pm), `tsconfig.json exists and typescript is a dependency; ${pmWhy}`));
  }
  if (pkg.scripts.lint !== undefined && pkg.scripts.lint.trim() !== '') {
    gates.push(gate('lint', runScript(pm, 'lint'), `package.json has a "lint" script; ${pmWhy}`));
  }
  return gates;
}
