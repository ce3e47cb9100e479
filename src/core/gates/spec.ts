import type { GateConfig } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import { OmkError } from '../errors.js';

/**
 * A gate: a command whose exit status judges a tree. Commands come from config files or from
 * omk's own detection rules, never from model output (docs/gates.md).
 */
export interface GateSpec {
  name: string;
  /** A shell string, run with `/bin/sh -c`. */
  command: string;
  /** Relative to the repository root, POSIX separators, never escaping it; `.` for the root. */
  cwd: string;
  timeoutMs: number;
  /** A failing required gate makes a set fail; an optional one is reported only. */
  required: boolean;
  /** Variables added to the gate's environment (over the allowlisted base). */
  env: Record<string, string>;
  source: GateSource;
  /** One sentence: why this gate exists (the config table, or the repository facts that chose it). */
  why: string;
}

export type GateSource = 'config' | 'detected';

/**
 * Ten minutes. The predecessor's 60 s killed ordinary `cargo test` runs; a gate that hangs is
 * still stopped, just later. Override per gate with `timeout`.
 */
export const DEFAULT_GATE_TIMEOUT_MS = 10 * 60_000;

/** Gate names travel into directory names, event payloads and command lines. */
export const GATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface GateSpecProblem {
  gate: string;
  message: string;
}

/**
 * Turns `[gates.NAME]` tables into specs. `where` names the file (or variable) of a gate's command, for `why`.
 * Problems (a bad name, a cwd outside the repository) are returned, not thrown; the gate is dropped.
 */
export function gateSpecsFromConfig(
  gates: Readonly<Record<string, GateConfig>>,
  where: (name: string) => string = () => 'config',
): { specs: GateSpec[]; problems: GateSpecProblem[] } {
  const specs: GateSpec[] = [];
  const problems: GateSpecProblem[] = [];
  for (const name of Object.keys(gates).sort()) {
    const gate = gates[name]!;
    if (!GATE_NAME.test(name)) {
      problems.push({ gate: name, message: 'a gate name is letters, digits, ".", "_" or "-" (at most 64)' });
      continue;
    }
    const cwd = normaliseGateCwd(gate.cwd ?? '.');
    if (cwd === undefined) {
      problems.push({ gate: name, message: `cwd ${JSON.stringify(gate.cwd)} must be a relative path inside the repository` });
      continue;
    }
    if (gate.command.trim() === '') {
      problems.push({ gate: name, message: 'command is empty' });
      continue;
    }
    const timeoutMs = gate.timeout === undefined ? DEFAULT_GATE_TIMEOUT_MS : parseDuration(gate.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      problems.push({ gate: name, message: `timeout ${JSON.stringify(gate.timeout)} is not a positive duration` });
      continue;
    }
    specs.push({
      name,
      command: gate.command,
      cwd,
      timeoutMs,
      required: gate.required ?? true,
      env: { ...(gate.env ?? {}) },
      source: 'config',
      why: `[gates.${name}] in ${where(name)}`,
    });
  }
  return { specs, problems };
}

/**
 * `a/./b/../c/` → `a/c`; `.` and `` → `.`. Undefined for absolute paths and paths that climb out
 * of the repository. Pure string work (no filesystem): symlinks are checked by the runner.
 */
export function normaliseGateCwd(cwd: string): string | undefined {
  if (cwd.startsWith('/') || cwd.startsWith('\\') || /^[A-Za-z]:/.test(cwd)) return undefined;
  const parts: string[] = [];
  for (const part of cwd.split(/[/\\]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** What to do when a repository has no gate (any ecosystem: the command is the project's own). */
export const NO_GATES_HINT =
  'add one to .omk/config.toml, e.g. [gates.test] command = "COMMAND THAT RUNS YOUR TESTS" (python3 -m unittest, cargo test, make test, …; see docs/gates.md), or give one to a goal with --gate "test=COMMAND"';

const GATE_FLAG_HINT = 'write --gate "NAME=COMMAND", e.g. --gate "test=python3 -m unittest" (repeat it for more gates)';

/**
 * `--gate NAME=COMMAND` values as gate commands by name (the last one of a name wins). A usage error
 * names the value and the form. The user typed the command: it is configuration, never model output.
 */
export function parseGateFlags(values: readonly string[]): Record<string, string> {
  const commands: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq < 0 ? '' : value.slice(0, eq).trim();
    const command = eq < 0 ? '' : value.slice(eq + 1).trim();
    if (name === '' || command === '') throw new OmkError('usage', `--gate ${JSON.stringify(value)}: expected NAME=COMMAND`, { hint: GATE_FLAG_HINT });
    if (!GATE_NAME.test(name)) throw new OmkError('usage', `--gate ${JSON.stringify(value)}: a gate name is letters, digits, ".", "_" or "-" (at most 64)`, { hint: GATE_FLAG_HINT });
    commands[name] = command;
  }
  return commands;
}

/** Gates given on the command line, as configured gates (they replace a configured gate of the same name). */
export function withFlagGates(configured: readonly GateSpec[], commands: Readonly<Record<string, string>>): GateSpec[] {
  const { specs } = gateSpecsFromConfig(Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, { command }])));
  const given = specs.map((g) => ({ ...g, why: `--gate ${g.name}=… on the command line` }));
  const names = new Set(given.map((g) => g.name));
  return [...configured.filter((g) => !names.has(g.name)), ...given];
}

/** Configured gates win whole: when any is configured, detection is only shown, never run. */
export function activeGates(configured: readonly GateSpec[], detected: readonly GateSpec[]): GateSpec[] {
  return configured.length > 0 ? [...configured] : [...detected];
}

/** Picks gates by name, keeping the given order; unknown names are returned separately. */
export function selectGates(
  gates: readonly GateSpec[],
  names: readonly string[],
): { selected: GateSpec[]; unknown: string[] } {
  if (names.length === 0) return { selected: [...gates], unknown: [] };
  const byName = new Map(gates.map((g) => [g.name, g]));
  const unknown = names.filter((n) => !byName.has(n));
  const selected = [...new Set(names)].flatMap((n) => (byName.has(n) ? [byName.get(n)!] : []));
  return { selected, unknown };
}
