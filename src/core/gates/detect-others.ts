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
  const marker = hasAnyFile(facts, PYTHON_MARKERS);
  if (!marker) return [];
  const runner = pythonRunner(facts);
  const gates: GateSpec[] = [];
  const evidence = pytestEvidence(facts);
  if (evidence) {
    const command = runner.prefix === '' ? 'python3 -m pytest' : `${runner.prefix}pytest`;
    gates.push(gate('pytest', command, `${marker} marks a Python project and ${evidence}; ${runner.why}`));
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

/** Go: `go test ./...` and `go vet ./...`. */
export function detectGoGates(facts: RepoFacts): GateSpec[] {
  if (!hasFile(facts, 'go.mod')) return [];
  return [
    gate('go-test', 'go test ./...', 'go.mod marks a Go module'),
    gate('go-vet', 'go vet ./...', 'go.mod marks a Go module'),
  ];
}
