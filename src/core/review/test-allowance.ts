import type { Finding } from './finding.js';

/** What kind of test change a tamper rule is; a request asking for that kind allows it. */
type Kind = 'remove' | 'skip' | 'assertion' | 'config' | 'snapshot';

const RULE_KIND: Readonly<Record<string, Kind>> = {
  test_file_deleted: 'remove',
  test_file_renamed_away: 'remove',
  test_renamed_away: 'remove',
  test_cases_removed: 'remove',
  test_count_fell: 'remove',
  focused_test: 'skip',
  skipped_test: 'skip',
  expected_failure: 'skip',
  todo_test: 'skip',
  tests_run_fell: 'skip',
  expected_changed: 'assertion',
  weakened_assertion: 'assertion',
  assertion_to_print: 'assertion',
  assertion_commented_out: 'assertion',
  assertions_removed: 'assertion',
  trivial_assertion: 'assertion',
  test_config_excluded: 'config',
  test_script_changed: 'config',
  test_command_narrowed: 'config',
  go_build_constraint: 'config',
  snapshot_rewritten: 'snapshot',
  snapshot_deleted: 'snapshot',
  inline_snapshot_rewritten: 'snapshot',
};

/**
 * Explicit words only: "fix the failing test" asks for the code to be fixed, never for the test to be
 * changed, so it allows nothing. A sentence must name both the kind of change and what it changes.
 */
const ASKS: Readonly<Record<Kind, RegExp>> = {
  remove: /\b(?:delete|remove|drop|prune|retire|rename|move|migrate|consolidate|port)\w*\b.*\btests?\b|\btests?\b.*\b(?:deleted|removed|dropped|renamed|moved|migrated|consolidated)\b/i,
  skip: /\b(?:skip|disable|quarantine|xfail)\w*\b.*\btests?\b|\btests?\b.*\b(?:skipped|disabled|quarantined|expected to fail)\b/i,
  assertion: /\b(?:update|change|correct|adjust|relax|loosen|rewrite)\w*\b.*\b(?:expected values?|expectations?|assertions?|expected outputs?|asserts?)\b/i,
  config: /\b(?:exclude|ignore)\w*\b.*\btests?\b|\b(?:change|update|rewrite|exclude)\w*\b.*\btest (?:config|configuration|settings?|script|command|runner|discovery|collection)\b/i,
  snapshot: /\b(?:update|regenerate|refresh|rewrite|re-?record)\w*\b.*\bsnapshots?\b/i,
};

/**
 * A tamper finding fails the `tests` section unless the goal's request, verbatim, asked for that kind of
 * change: then it is a warning naming the sentence that asked (`allowed_by`). Only the user's words
 * count — never a planner's task text, so no model can license its own tampering. Pure.
 */
export function applyTestChangeAllowances(findings: readonly Finding[], request: string): Finding[] {
  const sentences = request.split(/[.!?;\n]+/).map((s) => s.trim()).filter(Boolean);
  const asked = (kind: Kind) => sentences.find((s) => ASKS[kind].test(s));
  return findings.map((f) => {
    const kind = RULE_KIND[f.rule];
    const sentence = kind === undefined || f.severity !== 'fail' ? undefined : asked(kind);
    if (sentence === undefined) return f;
    const quote = sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
    return { ...f, severity: 'warn', allowed_by: quote, message: `${f.message} (allowed: the request asks for it)` };
  });
}
