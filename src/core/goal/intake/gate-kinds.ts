import type { GateKind, RepoGate } from './types.js';

/**
 * Words that reveal a gate's purpose, checked in this order (the first kind with a matching word wins,
 * so `test:types` is a typecheck and `bench` beats `test`). Matched against the gate's name first,
 * then against its command; tokens are runs of letters and digits, lower-cased.
 */
const KIND_WORDS: ReadonlyArray<readonly [GateKind, readonly string[]]> = [
  ['bench', ['bench', 'benchmark', 'benchmarks', 'perf', 'performance', 'hyperfine', 'criterion']],
  ['security', ['audit', 'security', 'secrets', 'secret', 'semgrep', 'snyk', 'sast', 'gitleaks', 'trivy', 'bandit']],
  ['docs', ['docs', 'doc', 'documentation', 'typedoc', 'mkdocs', 'sphinx', 'docusaurus', 'vitepress', 'rustdoc']],
  ['typecheck', ['typecheck', 'types', 'tsc', 'mypy', 'pyright', 'typing', 'flow']],
  ['lint', ['lint', 'eslint', 'clippy', 'ruff', 'flake8', 'pylint', 'golangci', 'biome', 'prettier', 'fmt', 'format', 'rubocop', 'shellcheck', 'markdownlint']],
  ['test', ['test', 'tests', 'unit', 'integration', 'e2e', 'spec', 'vitest', 'jest', 'pytest', 'mocha', 'ava', 'tap', 'rspec', 'phpunit', 'ctest', 'unittest']],
  ['build', ['build', 'compile', 'make', 'bundle', 'esbuild', 'webpack', 'vite', 'rollup']],
];

function tokens(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t !== ''));
}

function kindFrom(text: string): GateKind | undefined {
  const words = tokens(text);
  for (const [kind, list] of KIND_WORDS) if (list.some((w) => words.has(w))) return kind;
  return undefined;
}

/** The gate's declared kind, else inferred from its name, else from its command, else `other`. */
export function gateKind(gate: RepoGate): GateKind {
  return gate.kind ?? kindFrom(gate.name) ?? kindFrom(gate.command) ?? 'other';
}

/** Gate names by kind, each list sorted by name so the oracle is deterministic. */
export function gatesByKind(gates: readonly RepoGate[]): Map<GateKind, string[]> {
  const byKind = new Map<GateKind, string[]>();
  for (const gate of gates) {
    const kind = gateKind(gate);
    byKind.set(kind, [...(byKind.get(kind) ?? []), gate.name]);
  }
  for (const list of byKind.values()) list.sort();
  return byKind;
}
