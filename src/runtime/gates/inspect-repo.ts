import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { DETECTION_TOOLS, type PackageJsonFacts, type RepoFacts } from '../../core/gates/facts.js';
import { whichSync } from '../process/index.js';

/** Root entries that are never evidence of anything (and may be huge). */
const SKIP = new Set(['.git/', 'node_modules/', '.omk/']);

/**
 * Gathers the facts gate detection needs: the root's entries, package.json, the `[tool.*]` tables of
 * pyproject.toml, section names of setup.cfg and tox.ini, and which detection tools are on PATH.
 * A manifest that does not parse is left out (detection then simply finds less); it never throws
 * for the repository's content.
 */
export async function inspectRepo(repoRoot: string, env: Readonly<Record<string, string | undefined>>): Promise<RepoFacts> {
  const entries = await readdir(repoRoot, { withFileTypes: true }).catch(() => []);
  const files = entries
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .filter((name) => !SKIP.has(name))
    .sort();
  const read = (name: string): Promise<string | undefined> =>
    files.includes(name) ? readFile(path.join(repoRoot, name), 'utf8').catch(() => undefined) : Promise.resolve(undefined);

  const makefileName = ['GNUmakefile', 'makefile', 'Makefile'].find((f) => files.includes(f));
  const [pkgText, pyText, cfgText, toxText, makeText] = await Promise.all([
    read('package.json'),
    read('pyproject.toml'),
    read('setup.cfg'),
    read('tox.ini'),
    makefileName ? read(makefileName) : Promise.resolve(undefined),
  ]);
  const facts: RepoFacts = {
    files,
    tools: DETECTION_TOOLS.filter((tool) => whichSync(tool, env, repoRoot) !== undefined),
  };
  const packageJson = pkgText === undefined ? undefined : parsePackageJson(pkgText);
  const pyprojectTools = pyText === undefined ? undefined : parsePyprojectTools(pyText);
  return {
    ...facts,
    ...(packageJson ? { packageJson } : {}),
    ...(pyprojectTools ? { pyprojectTools } : {}),
    ...(cfgText === undefined ? {} : { setupCfgSections: iniSections(cfgText) }),
    ...(toxText === undefined ? {} : { toxIniSections: iniSections(toxText) }),
    ...(makefileName && makeText !== undefined ? { makefile: { file: makefileName, targets: makeTargets(makeText) } } : {}),
  };
}

export function parsePackageJson(text: string): PackageJsonFacts | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const scripts: Record<string, string> = {};
  if (isRecord(value.scripts)) {
    for (const [name, script] of Object.entries(value.scripts)) if (typeof script === 'string') scripts[name] = script;
  }
  const dependencies = ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) => {
    const deps = value[field];
    return isRecord(deps) ? Object.keys(deps) : [];
  });
  return {
    scripts,
    dependencies: [...new Set(dependencies)].sort(),
    ...(typeof value.packageManager === 'string' ? { packageManager: value.packageManager } : {}),
  };
}

/** `[tool.X]` names; `pytest` for `[tool.pytest.ini_options]`. */
export function parsePyprojectTools(text: string): string[] | undefined {
  try {
    const doc = parseToml(text) as Record<string, unknown>;
    return isRecord(doc.tool) ? Object.keys(doc.tool).sort() : [];
  } catch {
    return undefined;
  }
}

/** Explicit targets of a Makefile (`name:` at a line start; not variables `X := …`, pattern rules or `.SPECIAL` targets). */
export function makeTargets(text: string): string[] {
  const targets = new Set<string>();
  for (const m of text.matchAll(/^([A-Za-z0-9_][A-Za-z0-9_./ -]*?)\s*::?(?!=)/gm)) {
    for (const t of m[1]!.split(/\s+/)) if (t !== '' && !t.includes('%')) targets.add(t);
  }
  return [...targets].sort();
}

/** `[section]` headers of an INI file, in order. */
export function iniSections(text: string): string[] {
  return [...text.matchAll(/^\s*\[([^\]\r\n]+)\]\s*$/gm)].map((m) => m[1]!.trim());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
