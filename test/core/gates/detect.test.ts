import { describe, expect, it } from 'vitest';
import { detectGates, detectPackageManager } from '../../../src/core/gates/detect.js';
import type { RepoFacts } from '../../../src/core/gates/facts.js';

const facts = (over: Partial<RepoFacts>): RepoFacts => ({ files: [], tools: [], ...over });
const node = (scripts: Record<string, string>, dependencies: string[] = [], extra: Partial<RepoFacts> = {}, packageManager?: string) =>
  facts({
    files: ['package.json', ...(extra.files ?? [])],
    packageJson: { scripts, dependencies, ...(packageManager ? { packageManager } : {}) },
    ...(extra.tools ? { tools: extra.tools } : {}),
  });
const commands = (f: RepoFacts) => Object.fromEntries(detectGates(f).map((g) => [g.name, g.command]));

describe('detectGates: Node', () => {
  it('runs the test and lint scripts with npm when there is no other lockfile', () => {
    expect(commands(node({ test: 'vitest run', lint: 'eslint .' }, [], { files: ['package-lock.json'] }))).toEqual({
      test: 'npm test',
      lint: 'npm run lint',
    });
  });

  it.each([
    ['pnpm-lock.yaml', 'pnpm run test'],
    ['yarn.lock', 'yarn run test'],
    ['bun.lockb', 'bun run test'],
    ['bun.lock', 'bun run test'],
  ])('picks the package manager from %s', (lockfile, command) => {
    expect(commands(node({ test: 'x' }, [], { files: [lockfile] })).test).toBe(command);
  });

  it('the packageManager field wins over lockfiles', () => {
    const f = node({ test: 'x' }, [], { files: ['package-lock.json'] }, 'pnpm@9.1.0');
    expect(detectPackageManager(f, f.packageJson!)).toEqual({ pm: 'pnpm', why: 'package.json declares packageManager pnpm@9.1.0' });
  });

  it("ignores npm init's placeholder test script", () => {
    expect(commands(node({ test: 'echo "Error: no test specified" && exit 1' }))).toEqual({});
  });

  it('type-checks with the typecheck script, else with the local tsc when tsconfig.json and typescript exist', () => {
    expect(commands(node({ typecheck: 'tsc -b' })).typecheck).toBe('npm run typecheck');
    expect(commands(node({}, ['typescript'], { files: ['tsconfig.json'] })).typecheck).toBe('npx --no -- tsc --noEmit');
    expect(commands(node({}, ['typescript'], { files: ['tsconfig.json', 'pnpm-lock.yaml'] })).typecheck).toBe('pnpm exec tsc --noEmit');
    // tsconfig.json alone: `npx tsc` would download an unrelated package.
    expect(commands(node({}, [], { files: ['tsconfig.json'] })).typecheck).toBeUndefined();
  });

  it('says why each gate was chosen', () => {
    const [test] = detectGates(node({ test: 'vitest' }, [], { files: ['yarn.lock'] }));
    expect(test).toMatchObject({ source: 'detected', required: true, cwd: '.', why: 'package.json has a "test" script; yarn.lock is present' });
  });
});

describe('detectGates: Python', () => {
  it('needs a Python project marker: a tests/ directory alone is not enough', () => {
    expect(commands(facts({ files: ['tests/'] }))).toEqual({});
  });

  it('runs pytest for a tests/ directory or pytest config', () => {
    expect(commands(facts({ files: ['requirements.txt', 'tests/'] }))).toEqual({ pytest: 'python3 -m pytest' });
    expect(commands(facts({ files: ['setup.cfg'], setupCfgSections: ['tool:pytest'] }))).toEqual({ pytest: 'python3 -m pytest' });
    expect(commands(facts({ files: ['pyproject.toml'], pyprojectTools: ['pytest'] }))).toEqual({ pytest: 'python3 -m pytest' });
    expect(commands(facts({ files: ['setup.py', 'tox.ini'], toxIniSections: ['pytest'] }))).toEqual({ pytest: 'python3 -m pytest' });
  });

  it('root-level test modules without a manifest: unittest (or pytest when installed), each with its reason', () => {
    const gates = detectGates(facts({ files: ['m.py', 'test_m.py'] }));
    expect(gates.map((g) => [g.name, g.command])).toEqual([['unittest', 'python3 -m unittest']]);
    expect(gates[0]!.why).toBe('m.py at the root marks a Python project and root-level test_m.py; pytest is not installed, so unittest discovery; no environment manager found');
    expect(commands(facts({ files: ['calc.py', 'calc_test.py'] }))).toEqual({ unittest: 'python3 -m unittest discover -p "*_test.py"' });
    expect(commands(facts({ files: ['m.py', 'test_m.py'], tools: ['pytest'] }))).toEqual({ pytest: 'python3 -m pytest' });
    expect(commands(facts({ files: ['pyproject.toml', 'uv.lock', 'test_m.py'] }))).toEqual({ unittest: 'uv run python -m unittest' });
    // Python files but no tests anywhere: no test gate is invented.
    expect(commands(facts({ files: ['m.py'] }))).toEqual({});
  });

  it('a Makefile test target only when no ecosystem test runner was found', () => {
    const make = { file: 'Makefile', targets: ['all', 'test'] };
    expect(commands(facts({ files: ['Makefile'], makefile: make }))).toEqual({ 'make-test': 'make test' });
    expect(detectGates(facts({ files: ['Makefile'], makefile: make }))[0]!.why).toBe('Makefile has a `test` target and no other test runner was found');
    expect(commands(facts({ files: ['Makefile', 'm.py', 'test_m.py'], makefile: make }))).toEqual({ unittest: 'python3 -m unittest' });
    expect(commands(facts({ files: ['Makefile'], makefile: { file: 'Makefile', targets: ['all'] } }))).toEqual({});
  });

  it('adds ruff and mypy only when configured, through uv or poetry when used', () => {
    expect(commands(facts({ files: ['pyproject.toml', 'uv.lock', 'tests/'], pyprojectTools: ['ruff', 'mypy'] }))).toEqual({
      pytest: 'uv run pytest',
      ruff: 'uv run ruff check .',
      mypy: 'uv run mypy .',
    });
    expect(commands(facts({ files: ['pyproject.toml', 'poetry.lock', 'ruff.toml'], pyprojectTools: ['poetry'] }))).toEqual({
      ruff: 'poetry run ruff check .',
    });
    expect(commands(facts({ files: ['pyproject.toml', 'tests/'], tools: ['ruff', 'mypy'] }))).toEqual({ pytest: 'python3 -m pytest' });
  });
});

describe('detectGates: Rust and Go', () => {
  it('cargo test, and clippy only when installed', () => {
    expect(commands(facts({ files: ['Cargo.toml'] }))).toEqual({ 'cargo-test': 'cargo test' });
    expect(commands(facts({ files: ['Cargo.toml'], tools: ['cargo-clippy'] }))).toEqual({
      'cargo-test': 'cargo test',
      clippy: 'cargo clippy --all-targets',
    });
  });

  it('go test and go vet', () => {
    expect(commands(facts({ files: ['go.mod'] }))).toEqual({ 'go-test': 'go test ./...', 'go-vet': 'go vet ./...' });
  });

  it('every ecosystem found contributes, and nothing is detected in an empty repository', () => {
    expect(Object.keys(commands(facts({ files: ['go.mod', 'Cargo.toml'] })))).toEqual(['cargo-test', 'go-test', 'go-vet']);
    expect(detectGates(facts({ files: ['README.md'] }))).toEqual([]);
  });
});
