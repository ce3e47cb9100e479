/**
 * Strict validation. Each layer is checked on its own (types, ranges, unknown keys, literal secrets),
 * so a problem names the file or variable it came from; rules that need every layer (an engine's
 * protocol may come from one file and its model from another) run on the merged tree.
 */
import { patternProblem } from '../approval/command-pattern.js';
import { PRESET_ENGINE_NAMES } from './engine-presets.js';
import { formatKey, isTable } from './keys.js';
import { makeProblem, originOf, type ProblemOrigin } from './problem.js';
import { CONFIG_SCHEMA, describeExpected, type FieldSpec } from './schema.js';
import { looksLikeSecret } from './secrets.js';
import { isDuration } from './duration.js';
import { describeFound } from './value.js';
import type { ConfigProblem, ConfigSource, ConfigTree } from './types.js';

const SECRET_EXPECTED =
  'no literal API key (put the key in an environment variable and name that variable with api_key_env)';
const SECRET_FOUND = 'a value shaped like an API key';
const MISSING = 'nothing (the key is missing)';

/** Checks one layer. `originFor` says which file or variable a key came from. */
export function validateLayer(
  tree: ConfigTree,
  originFor: (path: readonly string[]) => ProblemOrigin,
  spec: FieldSpec = CONFIG_SCHEMA,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (path: readonly string[], expected: string, found: string) =>
    problems.push(makeProblem(originFor(path), formatKey(path), expected, found));
  checkValue(spec, tree, [], report);
  return problems;
}

type Report = (path: readonly string[], expected: string, found: string) => void;

function checkValue(spec: FieldSpec, value: unknown, path: string[], report: Report): void {
  const wrong = () => report(path, describeExpected(spec), describeFound(value));
  switch (spec.kind) {
    case 'table': {
      if (!isTable(value)) return wrong();
      for (const [key, child] of Object.entries(value)) {
        const childSpec = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
        if (childSpec === undefined) {
          const known = Object.keys(spec.fields).join(', ');
          report([...path, key], `one of the keys ${known}`, `unknown key ${JSON.stringify(key)}`);
        } else {
          checkValue(childSpec, child, [...path, key], report);
        }
      }
      return;
    }
    case 'named': {
      if (!isTable(value)) return wrong();
      for (const [name, child] of Object.entries(value)) checkValue(spec.of, child, [...path, name], report);
      return;
    }
    case 'table-array': {
      if (!Array.isArray(value)) return wrong();
      // Entries are numbered from 1, as a reader counts the [[…]] blocks.
      value.forEach((child, i) => checkValue(spec.of, child, [...path, String(i + 1)], report));
      return;
    }
    case 'string-or-array': {
      const items: unknown[] = Array.isArray(value) ? value : [value];
      if (items.length === 0 || items.some((v) => typeof v !== 'string' || (spec.oneOf !== undefined && !spec.oneOf.includes(v)))) {
        return wrong();
      }
      return;
    }
    case 'string-map': {
      if (!isTable(value)) return wrong();
      for (const [name, child] of Object.entries(value)) checkValue({ kind: 'string' }, child, [...path, name], report);
      return;
    }
    case 'string':
      if (typeof value !== 'string') return wrong();
      if (looksLikeSecret(value)) return report(path, SECRET_EXPECTED, SECRET_FOUND);
      if (spec.oneOf && !spec.oneOf.includes(value)) return wrong();
      return;
    case 'string-array':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return wrong();
      if (value.some((v) => looksLikeSecret(v as string))) return report(path, SECRET_EXPECTED, SECRET_FOUND);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) wrong();
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min) wrong();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong();
      return;
    case 'duration':
      if (!isDuration(value)) wrong();
      return;
  }
}

/**
 * Rules over the merged tree: required engine and gate fields, openai-only fields, and that
 * `defaults.engine` (and `defaults.reviewer_engine`, unless `"none"`) names a configured engine. Blame goes to the layer that set the nearest value.
 */
export function validateMerged(values: ConfigTree, sources: ReadonlyMap<string, ConfigSource>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const blame = (path: readonly string[]): ProblemOrigin => {
    const exact = sources.get(formatKey(path));
    if (exact) return originOf(exact);
    // The key is missing: blame whoever defined the table it belongs in, preferring the highest layer.
    const prefix = `${formatKey(path.slice(0, -1))}.`;
    let found: ConfigSource | undefined;
    for (const [key, source] of sources) if (key.startsWith(prefix)) found = source;
    // Inside an array of tables (`approval.rules`), the array itself is the leaf that has a source.
    for (let i = path.length - 1; found === undefined && i > 0; i -= 1) found = sources.get(formatKey(path.slice(0, i)));
    return originOf(found);
  };
  const report = (path: string[], expected: string, found: string) =>
    problems.push(makeProblem(blame(path), formatKey(path), expected, found));

  const engines = isTable(values.engines) ? values.engines : {};
  for (const [name, engine] of Object.entries(engines)) {
    if (!isTable(engine)) continue;
    const protocol = engine.protocol;
    if (protocol === undefined) {
      report(['engines', name, 'protocol'], 'one of "acp", "wire", "openai"', MISSING);
      continue;
    }
    if ((protocol === 'acp' || protocol === 'wire') && engine.command === undefined) {
      report(['engines', name, 'command'], `the agent's executable (required for protocol "${protocol}")`, MISSING);
    }
    if (protocol !== 'acp' && engine.serve_fs !== undefined) {
      report(['engines', name, 'serve_fs'], 'this key only with protocol = "acp"', `protocol ${JSON.stringify(protocol)}`);
    }
    if (protocol !== 'openai') {
      for (const key of ['base_url', 'api_key_env'] as const) {
        if (engine[key] !== undefined) {
          report(['engines', name, key], 'this key only with protocol = "openai"', `protocol ${JSON.stringify(protocol)}`);
        }
      }
    }
  }

  const gates = isTable(values.gates) ? values.gates : {};
  for (const [name, gate] of Object.entries(gates)) {
    if (isTable(gate) && gate.command === undefined) {
      report(['gates', name, 'command'], 'a shell command, e.g. "npm test"', MISSING);
    }
  }

  const defaults = isTable(values.defaults) ? values.defaults : {};
  const names = [...new Set([...PRESET_ENGINE_NAMES, ...Object.keys(engines)])].map((n) => JSON.stringify(n)).join(', ');
  const engine = defaults.engine;
  if (typeof engine === 'string' && !Object.hasOwn(engines, engine) && !PRESET_ENGINE_NAMES.includes(engine)) {
    report(['defaults', 'engine'], `the name of a configured engine (${names})`, JSON.stringify(engine));
  }
  // "none": no reviewer agent, the review wall is the deterministic checks only.
  const reviewer = defaults.reviewer_engine;
  if (typeof reviewer === 'string' && reviewer !== 'none' && !Object.hasOwn(engines, reviewer) && !PRESET_ENGINE_NAMES.includes(reviewer)) {
    report(['defaults', 'reviewer_engine'], `the name of a configured engine (${names}) or "none"`, JSON.stringify(reviewer));
  }

  checkApproval(values.approval, report);
  checkDelivery(values.delivery, report);
  checkWorktrees(values.worktrees, report);
  return problems;
}

/** `worktrees.root` must name a directory other than the checkout itself and outside .git; `setup` must say something. */
function checkWorktrees(worktrees: unknown, report: (path: string[], expected: string, found: string) => void): void {
  if (!isTable(worktrees)) return;
  const { root, setup } = worktrees;
  if (typeof root === 'string') {
    // Lexically normalised: `a/..` is the checkout itself, `../wt` a sibling directory (allowed).
    const segments: string[] = [];
    for (const s of root.replace(/\\/g, '/').split('/')) {
      if (s === '..' && segments.length > 0 && segments.at(-1) !== '..') segments.pop();
      else if (s !== '' && s !== '.') segments.push(s);
    }
    const absolute = root.startsWith('/') || /^[A-Za-z]:[\\/]/.test(root);
    if (root.trim() === '' || (!absolute && segments.length === 0) || (!absolute && segments[0] === '.git')) {
      report(['worktrees', 'root'], 'a directory for worktrees, relative to the repository root or absolute (not the checkout itself, not inside .git)', JSON.stringify(root));
    }
  }
  if (typeof setup === 'string' && setup.trim() === '') {
    report(['worktrees', 'setup'], 'a shell command run in each new worktree, e.g. "npm ci" (or no key at all)', JSON.stringify(setup));
  }
}

/** `delivery.repository` is `OWNER/REPO`; `delivery.github_api_url` is an http(s) URL. */
function checkDelivery(delivery: unknown, report: (path: string[], expected: string, found: string) => void): void {
  if (!isTable(delivery)) return;
  const { repository, github_api_url: api } = delivery;
  if (typeof repository === 'string' && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    report(['delivery', 'repository'], 'a GitHub repository as "OWNER/REPO"', JSON.stringify(repository));
  }
  if (typeof api === 'string' && !/^https?:\/\/[^\s/]+/.test(api)) {
    report(['delivery', 'github_api_url'], 'an http(s) URL such as "https://api.github.com"', JSON.stringify(api));
  }
}

/** Rules need an action; command patterns must compile (a bad regex would otherwise fail at the first tool call). */
function checkApproval(approval: unknown, report: (path: string[], expected: string, found: string) => void): void {
  if (!isTable(approval)) return;
  const checkPattern = (path: string[], pattern: unknown): void => {
    if (typeof pattern !== 'string') return;
    const problem = patternProblem(pattern);
    if (problem) report(path, 'a command pattern ("npm test *", or "re:" and a valid regular expression)', problem);
  };
  for (const key of ['allow_commands', 'deny_commands'] as const) {
    const list = approval[key];
    if (Array.isArray(list)) list.forEach((pattern: unknown, i) => checkPattern(['approval', key, String(i + 1)], pattern));
  }
  const rules = approval.rules;
  if (Array.isArray(rules)) {
    rules.forEach((rule: unknown, i) => {
      if (!isTable(rule)) return;
      const at = ['approval', 'rules', String(i + 1)];
      if (rule.action === undefined) report([...at, 'action'], 'one of "allow", "deny", "ask"', MISSING);
      checkPattern([...at, 'command'], rule.command);
    });
  }
}
