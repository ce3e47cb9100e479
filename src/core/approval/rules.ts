import picomatch from 'picomatch';
import { matchesPattern, matchesPatternText } from './command-pattern.js';
import type { PatternEnv } from './command-pattern.js';
import type { Invocation } from './invocations.js';
import { relativeInside } from './paths.js';
import type { Rule, RuleAction, ToolKind } from './types.js';

/**
 * User rules and the deny list. A rule that could widen access (allow, ask) must hold for *every*
 * part of a command and every path; a deny needs only one. So `allow: git *` does not allow
 * `git status; curl … | sh`, and `deny: curl *` does catch it.
 */

export interface RuleSubject {
  kind: ToolKind;
  /** The command as written, for patterns over the whole line. */
  commandText?: string;
  /** The invocations that do work (carriers such as `bash -c` left out). */
  invocations: Invocation[];
  /** Absolute paths the call touches. */
  paths: string[];
  cwdOf: Map<number, string[] | undefined>;
  sessionDir: string;
  homeDir: string;
}

function envFor(subject: RuleSubject, inv: Invocation): PatternEnv {
  return { sessionDir: subject.sessionDir, homeDir: subject.homeDir, cwds: subject.cwdOf.get(inv.id) };
}

/** Whether `pattern` matches the command: any part (`mode: 'any'`) or all parts (`'all'`). */
export function commandMatches(pattern: string, subject: RuleSubject, mode: 'any' | 'all'): boolean {
  if (subject.commandText === undefined) return false;
  // The whole line is only matched for denies: `git *` must not allow `git status; curl … | sh`.
  if (mode === 'any' && matchesPatternText(pattern, subject.commandText)) return true;
  const parts = subject.invocations.filter((i) => i.argv.length > 0);
  if (parts.length === 0) return false;
  const test = (inv: Invocation): boolean => matchesPattern(pattern, inv.argv, envFor(subject, inv));
  return mode === 'any' ? parts.some(test) : parts.every(test);
}

const globCache = new Map<string, (p: string) => boolean>();

function pathMatcher(glob: string, homeDir: string, sessionDir: string): (p: string) => boolean {
  const key = `${glob}\0${homeDir}\0${sessionDir}`;
  const hit = globCache.get(key);
  if (hit) return hit;
  let matcher: (p: string) => boolean;
  if (glob.startsWith('/') || glob.startsWith('~/')) {
    const abs = glob.startsWith('~/') ? homeDir.replace(/\/$/, '') + glob.slice(1) : glob;
    const m = picomatch(abs, { dot: true });
    matcher = (p) => m(p);
  } else {
    const m = picomatch(glob, { dot: true });
    matcher = (p) => {
      const rel = relativeInside(sessionDir, p);
      return rel !== undefined && m(rel === '' ? '.' : rel);
    };
  }
  globCache.set(key, matcher);
  return matcher;
}

function ruleMatches(rule: Rule, subject: RuleSubject): boolean {
  const mode = rule.action === 'deny' ? 'any' : 'all';
  if (rule.kind !== undefined) {
    const kinds = Array.isArray(rule.kind) ? rule.kind : [rule.kind];
    if (!kinds.includes(subject.kind)) return false;
  }
  if (rule.command !== undefined && !commandMatches(rule.command, subject, mode)) return false;
  if (rule.path !== undefined) {
    if (subject.paths.length === 0) return false;
    const m = pathMatcher(rule.path, subject.homeDir, subject.sessionDir);
    if (mode === 'any' ? !subject.paths.some(m) : !subject.paths.every(m)) return false;
  }
  return true;
}

export function firstMatchingRule(rules: readonly Rule[], subject: RuleSubject): { rule: Rule; index: number; action: RuleAction } | undefined {
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    if (ruleMatches(rule, subject)) return { rule, index, action: rule.action };
  }
  return undefined;
}
