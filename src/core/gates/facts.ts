/**
 * What detection knows about a repository. Gathered by the runtime inspector
 * (src/runtime/gates/inspect-repo.ts) so that the rules in detect*.ts stay pure.
 */
export interface RepoFacts {
  /** Entries at the repository root; directories end with `/` (e.g. `tests/`). */
  files: readonly string[];
  /** package.json, when it parsed as a JSON object. */
  packageJson?: PackageJsonFacts;
  /** The `[tool.X]` table names of pyproject.toml (`pytest`, `ruff`, `mypy`, `poetry`, …). */
  pyprojectTools?: readonly string[];
  /** Section names of setup.cfg (`tool:pytest`, `mypy`, `flake8`, …). */
  setupCfgSections?: readonly string[];
  /** Section names of tox.ini (`pytest`, `tox`, …). */
  toxIniSections?: readonly string[];
  /** The root Makefile (`GNUmakefile`, `makefile` or `Makefile`, the order make reads them) and its explicit targets. */
  makefile?: { file: string; targets: readonly string[] };
  /** Executables found on the gates' PATH among those detection asks about (`cargo-clippy`, …). */
  tools: readonly string[];
}

export interface PackageJsonFacts {
  scripts: Readonly<Record<string, string>>;
  /** Names from dependencies, devDependencies and peerDependencies. */
  dependencies: readonly string[];
  /** The `packageManager` field, e.g. `pnpm@9.1.0`. */
  packageManager?: string;
}

/** Executables the rules may ask about; the inspector looks these up on PATH. */
export const DETECTION_TOOLS = ['cargo-clippy', 'ruff', 'mypy', 'pytest'] as const;

export function hasFile(facts: RepoFacts, name: string): boolean {
  return facts.files.includes(name);
}

export function hasAnyFile(facts: RepoFacts, names: readonly string[]): string | undefined {
  return names.find((n) => facts.files.includes(n));
}
