import type { RepoFacts as GateRepoFacts } from '../../gates/facts.js';
import type { RepoFacts, RepoGate } from '../intake/types.js';

/**
 * Intake's view of a repository, derived from what gate detection already gathered (the root's
 * entries and manifests) plus the gates that will run. Pure: the runtime does the looking.
 */
export function intakeRepoFacts(facts: GateRepoFacts, gates: readonly RepoGate[]): RepoFacts {
  const has = (name: string): boolean => facts.files.includes(name);
  const deps = facts.packageJson?.dependencies ?? [];
  const languages: string[] = [];
  if (facts.packageJson) languages.push(has('tsconfig.json') || deps.includes('typescript') ? 'typescript' : 'javascript');
  if (['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Pipfile'].some(has)) languages.push('python');
  if (has('Cargo.toml')) languages.push('rust');
  if (has('go.mod')) languages.push('go');

  const managers: string[] = [];
  if (facts.packageJson) {
    const declared = facts.packageJson.packageManager?.split('@')[0];
    if (declared) managers.push(declared);
    else if (has('pnpm-lock.yaml')) managers.push('pnpm');
    else if (has('yarn.lock')) managers.push('yarn');
    else if (has('bun.lockb') || has('bun.lock')) managers.push('bun');
    else managers.push('npm');
  }
  if (has('Cargo.toml')) managers.push('cargo');
  if (has('go.mod')) managers.push('go');
  if (has('poetry.lock')) managers.push('poetry');
  else if (has('uv.lock')) managers.push('uv');
  else if (has('requirements.txt')) managers.push('pip');

  const testDirs = ['test/', 'tests/', '__tests__/', 'spec/'];
  const hasTests =
    testDirs.some(has) ||
    facts.files.some((f) => /\.(test|spec)\.[a-z]+$/.test(f) || /^test_.*\.py$/.test(f) || /_test\.(go|py)$/.test(f)) ||
    facts.packageJson?.scripts.test !== undefined;
  return { languages, packageManagers: managers, gates: [...gates], hasTests };
}
