import { hasAnyFile, hasFile, type RepoFacts } from './facts.js';
import { DEFAULT_GATE_TIMEOUT_MS, type GateSpec } from './spec.js';

function gate(name: string, command: string, why: string): GateSpec {
  return { name, command, cwd: '.', timeoutMs: DEFAULT_GATE_TIMEOUT_MS, required: true, env: {}, source: 'detected', why };
}

const PYTHON_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Pipfile'];

/** How Python tools are started: through the project's environment manager when it has one. */
function pythonRunner(facts: RepoFacts): { prefix: string; why: string } {
  const tools = facts.pyprojectTools ?? [];
  if (hasFile(facts, 'uv.lock') || tools.includes('uv')) return { prefix: 'uv run ', why: 'uv manages the environment' };
  if (hasFile(facts, 'poetry.lock') || tools.includes('poetry')) return { prefix: 'poetry run ', why: 'poetry manages the environment' };
  if (hasFile(facts, 'Pipfile.lock')) return { prefix: 'pipenv run ', why: 'pipenv manages the environment' };
  return { prefix: '', why: 'no environment manager found' };
}

/** Root-level test modules (`test_*.py`, `*_test.py`): the layout of small projects without a tests directory. */
function rootTestModules(facts: RepoFacts): string[] {
  return facts.files.filter((f) => /^test_[^/]*\.py$/.test(f) || /^[^/]*_test\.py$/.test(f));
}

/** The marker of a Python project: a manifest, else Python files at the root (a script project has no manifest). */
function pythonMarker(facts: RepoFacts): string | undefined {
  const manifest = hasAnyFile(facts, PYTHON_MARKERS);
  if (manifest) return `${manifest} marks a Python project`;
  const py = facts.files.find((f) => f.endsWith('.py'));
  return py ? `${py} at the root marks a Python project` : undefined;
}

/** The first piece of pytest evidence, as a phrase. */
function pytestEvidence(facts: RepoFacts): string | undefined {
  const file = hasAnyFile(facts, ['pytest.ini', 'conftest.py']);
  if (file) return `${file} exists`;
  if (facts.pyprojectTools?.includes('pytest')) return 'pyproject.toml has [tool.pytest.ini_options]';
  if (facts.setupCfgSections?.includes('tool:pytest')) return 'setup.cfg has [tool:pytest]';
  if (facts.toxIniSections?.includes('pytest')) return 'tox.ini has [pytest]';
  const dir = hasAnyFile(facts, ['tests/', 'test/']);
  if (dir) return `a ${dir} directory exists`;
  return undefined;
}

/**
 * Python: pytest when there is a tests directory or pytest configuration; ruff and mypy when the
 * project configures them (a config file or a `[tool.X]` table). Tools run through uv, poetry or
 * pipenv when the project uses one; otherwise `python3 -m pytest` and the tools on PATH.
 */
export function detectPythonGates(facts: RepoFacts): GateSpec[] {
  const marker = pythonMarker(facts);
  if (!marker) return [];
  const runner = pythonRunner(facts);
  const gates: GateSpec[] = [];
  const evidence = pytestEvidence(facts);
  const pytest = runner.prefix === '' ? 'python3 -m pytest' : `${runner.prefix}pytest`;
  const rootTests = rootTestModules(facts);
  if (evidence) {
    gates.push(gate('pytest', pytest, `${marker} and ${evidence}; ${runner.why}`));
  } else if (rootTests.length > 0) {
    // pytest runs both unittest classes and bare test functions; without it, unittest discovery finds the classes.
    const found = `root-level ${rootTests.slice(0, 3).join(', ')}${rootTests.length > 3 ? ', …' : ''}`;
    if (facts.tools.includes('pytest')) gates.push(gate('pytest', pytest, `${marker} and ${found}; pytest is installed; ${runner.why}`));
    else {
      const python = runner.prefix === '' ? 'python3' : `${runner.prefix}python`;
      const pattern = rootTests.some((f) => f.startsWith('test')) ? '' : ' discover -p "*_test.py"';
      gates.push(gate('unittest', `${python} -m unittest${pattern}`, `${marker} and ${found}; pytest is not installed, so unittest discovery; ${runner.why}`));
    }
  }
  const tools = facts.pyprojectTools ?? [];
  const ruff = hasAnyFile(facts, ['ruff.toml', '.ruff.toml']) ?? (tools.includes('ruff') ? 'pyproject.toml [tool.ruff]' : undefined);
  if (ruff) gates.push(gate('ruff', `${runner.prefix}ruff check .`, `ruff is configured (${ruff}); ${runner.why}`));
  const mypy =
    hasAnyFile(facts, ['mypy.ini', '.mypy.ini']) ??
    (tools.includes('mypy') ? 'pyproject.toml [tool.mypy]' : facts.setupCfgSections?.includes('mypy') ? 'setup.cfg [mypy]' : undefined);
  if (mypy) gates.push(gate('mypy', `${runner.prefix}mypy .`, `mypy is configured (${mypy}); ${runner.why}`));
  return gates;
}

/**
 * Rust: `cargo test`, and `cargo clippy --all-targets` when clippy is installed. No `-D warnings`:
 * the project's own lint levels (Cargo.toml `[lints]`, `#![deny]`) decide what fails.
 */
export function detectRustGates(facts: RepoFacts): GateSpec[] {
  if (!hasFile(facts, 'Cargo.toml')) return [];
  const gates = [gate('cargo-test', 'cargo test', 'Cargo.toml marks a Rust project')];
  if (facts.tools.includes('cargo-clippy')) {
    gates.push(gate('clippy', 'cargo clippy --all-targets', 'Cargo.toml marks a Rust project and cargo-clippy is installed'));
  }
  return gates;
}

/**
 * Make: `make test` when a Makefile has a `test` target and no ecosystem test runner was detected
 * (the Makefile is then the project's own way to run its tests; with one, it would run them twice).
 */
export function detectMakeGates(facts: RepoFacts, others: readonly GateSpec[]): GateSpec[] {
  const makefile = facts.makefile;
  if (!makefile || !makefile.targets.includes('test')) return [];
  if (others.some((g) => TEST_GATE_NAMES.has(g.name))) return [];
  return [gate('make-test', 'make test', `${makefile.file} has a \`test\` target and no other test runner was found`)];
}

/** The names detection gives test runners (the ones a Makefile test target would duplicate). */
const TEST_GATE_NAMES: ReadonlySet<string> = new Set(['test', 'pytest', 'unittest', 'cargo-test', 'go-test']);

/** Go: `go test ./...` and `go vet ./...`. */
export function detectGoGates(facts: RepoFacts): GateSpec[] {
  if (!hasFile(facts, 'go.mod')) return [];
  return [
    gate('go-test', 'go test ./...', 'go.mod marks a Go module'),
    gate('go-vet', 'go vet ./...', 'go.mod marks a Go module'),
  ];
}
