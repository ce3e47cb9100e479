import { detectNodeGates } from './detect-node.js';
import { detectGoGates, detectMakeGates, detectPythonGates, detectRustGates } from './detect-others.js';
import type { RepoFacts } from './facts.js';
import type { GateSpec } from './spec.js';

export { detectPackageManager, type PackageManager } from './detect-node.js';

/**
 * The default gates for a repository with none configured, from its facts alone (pure). Every
 * ecosystem found contributes; names are per ecosystem (`test`/`typecheck`/`lint` for Node,
 * `pytest` or `unittest`/`ruff`/`mypy`, `cargo-test`/`clippy`, `go-test`/`go-vet`, `make-test`), so they never collide.
 * Each gate's `why` names the facts that chose it.
 */
export function detectGates(facts: RepoFacts): GateSpec[] {
  const ecosystems = [...detectNodeGates(facts), ...detectPythonGates(facts), ...detectRustGates(facts), ...detectGoGates(facts)];
  return [...ecosystems, ...detectMakeGates(facts, ecosystems)];
}
