import type { GoalType } from './types.js';

/**
 * The classification rules. Each is matched once against the lower-cased normalised request; a match
 * adds its weight to its type. Weights: 3 = decisive on its own, 2 = strong, 1 = a hint.
 * docs/intake.md lists them; keep the two in step.
 */
export interface ClassificationRule {
  id: string;
  type: GoalType;
  weight: 1 | 2 | 3;
  pattern: RegExp;
}

const r = (type: GoalType, id: string, weight: 1 | 2 | 3, pattern: RegExp): ClassificationRule => ({ id, type, weight, pattern });

export const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  // bugfix
  r('bugfix', 'bug', 3, /\b(bugs?|bugfix|hotfix)\b/),
  r('bugfix', 'fix', 3, /\bfix(es|ed|ing)?\b/),
  r('bugfix', 'crash', 3, /\b(crash(es|ed|ing)?|panics?|segfaults?|hangs?|deadlocks?)\b/),
  r('bugfix', 'regression', 2, /\bregress(ion|ed)\b/),
  r('bugfix', 'broken', 2, /\b(broken|breaks|doesn'?t work|does not work|not working|stopped working)\b/),
  r('bugfix', 'wrong-result', 2, /\b(wrong|incorrect(ly)?|instead of|should return|returns? (a )?(500|404|null|undefined|nan))\b/),
  r('bugfix', 'error-message', 2, /\b(exception|stack ?trace|traceback|typeerror|null pointer|undefined is not|off[- ]by[- ]one|race condition)\b/),
  r('bugfix', 'fails', 1, /\b(fails?|failing|failure|errors? (when|on|if))\b/),
  r('bugfix', 'issue-ref', 1, /(\bissue #?\d+|#\d+\b)/),
  // feature
  r('feature', 'feature', 3, /\bfeatures?\b/),
  r('feature', 'new-thing', 3, /\bnew (endpoint|command|subcommand|option|flag|page|button|field|setting|api|route|column|screen|view|hook|parameter)s?\b/),
  r('feature', 'add', 2, /\badd(s|ing)?\b/),
  r('feature', 'implement', 2, /\bimplement(s|ing)?\b/),
  r('feature', 'allow-users', 2, /\b(allow|let|enable) (users?|admins?|clients?|callers?|people) to\b/),
  r('feature', 'support', 1, /\bsupport(s|ing)?\b/),
  r('feature', 'user-story', 2, /\b(should be able to|ability to|users? can now|as an? [\w ]{1,30}, i want|i want to be able to)\b/),
  r('feature', 'introduce', 1, /\b(introduce|expose|provide|enable)\b/),
  // refactor
  r('refactor', 'refactor', 3, /\brefactor(s|ed|ing)?\b/),
  r('refactor', 'behaviour-preserving', 3, /\bwithout changing (the )?(behaviou?r|functionality|output)\b/),
  r('refactor', 'restructure', 2, /\b(restructur\w*|reorgani[sz]\w*|decouple|modulari[sz]e|deduplicate|dedupe|simplify|tidy up|clean ?up)\b/),
  r('refactor', 'extract', 2, /\b(extract|split|inline|rename|move) [\w .-]{0,40}\b(into|to|out of|from)\b/),
  r('refactor', 'code-smell', 1, /\b(duplicat(ed|ion)|god (class|object)|tech(nical)? debt|readability|maintainab\w*)\b/),
  // migration (rewrite / port / migration / upgrade)
  r('migration', 'migrate', 3, /\bmigrat(e|es|ed|ing|ion)\b/),
  r('migration', 'rewrite', 3, /\brewrit(e|es|ing|ten)\b/),
  r('migration', 'port', 3, /\bport (it |this |the [\w -]{1,30})?(to|from)\b/),
  r('migration', 'convert', 2, /\bconvert [\w .-]{0,40}\b(to|into)\b/),
  r('migration', 'upgrade', 2, /\b(upgrade|bump) [\w .@-]{0,40}\bto\b|\bupgrade\b/),
  r('migration', 'replace-with', 2, /\b(replace [\w .@-]{1,40} with|switch (from [\w .@-]{1,40} )?to)\b/),
  r('migration', 'target-stack', 1, /\bto (typescript|esm|es modules|vitest|jest|python ?3|rust|go|kotlin|swift|react|vue|svelte|node \d+)\b/),
  r('migration', 'deprecated', 1, /\b(deprecat\w*|legacy|end[- ]of[- ]life)\b/),
  // tests
  r('tests', 'kind-of-test', 3, /\b(unit|integration|e2e|end[- ]to[- ]end|regression|property[- ]based|snapshot|smoke|contract) tests?\b/),
  r('tests', 'write-tests', 3, /\b(write|add|create|increase|improve|extend) [\w ]{0,20}\b(tests?|test cases|specs?|test coverage)\b/),
  r('tests', 'coverage', 3, /\b(test )?coverage\b/),
  r('tests', 'flaky', 2, /\bflak(y|iness)\b/),
  r('tests', 'test-suite', 2, /\b(test suite|test cases?|tests? for)\b/),
  r('tests', 'tests', 1, /\b(tests?|specs?|testing)\b/),
  r('tests', 'test-framework', 1, /\b(vitest|jest|pytest|mocha|junit|rspec|fast-check|hypothesis)\b/),
  // docs
  r('docs', 'docs', 3, /\b(docs|documentation|readme|docstrings?|jsdoc|tsdoc|javadoc|man ?page)\b/),
  r('docs', 'document', 2, /\bdocument(s|ed|ing)?\b/),
  r('docs', 'changelog', 2, /\b(changelog|release notes|tutorial|how-?to guide|user guide|api reference)\b/),
  r('docs', 'prose', 1, /\b(typos?|spelling|wording|code comments|comments in|examples? in)\b/),
  // performance
  r('performance', 'performance', 3, /\b(performance|perf)\b/),
  r('performance', 'speed', 3, /\b(faster|speed (it )?up|slow(er|ness|ly)?|latency|throughput)\b/),
  r('performance', 'optimize', 2, /\b(optimi[sz](e|es|ed|ing|ation)|benchmarks?|profil(e|ing))\b/),
  r('performance', 'resource', 2, /\b(memory (usage|footprint|consumption)|cpu (usage|time)|allocations?|start-?up time|cold start|p9[059]|o\(n\^?2\)|quadratic)\b/),
  r('performance', 'measured', 1, /\b\d+(\.\d+)? ?(ms|milliseconds|seconds|s|x|%|mb|gb|rps|qps)\b/),
  r('performance', 'cache', 1, /\b(cach(e|es|ed|ing)|memoi[sz]\w*)\b/),
  // security
  r('security', 'security', 3, /\b(security|secure|insecure)\b/),
  r('security', 'vulnerability', 3, /\b(vulnerab\w*|cve-\d{4}-\d+|exploit\w*|xss|csrf|ssrf|sql injection|command injection|injection|path traversal|rce)\b/),
  r('security', 'harden', 3, /\bharden(s|ed|ing)?\b/),
  r('security', 'secrets', 2, /\b(secrets?|credentials?|api keys?|tokens? (leak|exposure)|sanitiz\w*|escap(e|ing) (user )?input|encrypt\w*|csp|cors)\b/),
  r('security', 'audit', 2, /\b(audit|npm audit|dependabot|snyk|semgrep|owasp)\b/),
  r('security', 'authz', 1, /\b(auth|authentication|authori[sz]ation|permissions?|rate[- ]limit\w*|brute[- ]force)\b/),
  // greenfield
  r('greenfield', 'from-scratch', 3, /\b(from scratch|greenfield|brand[- ]new (project|app|repo))\b/),
  r('greenfield', 'new-project', 2, /\bnew (project|repo|repository|app|application|service|library|package|cli tool|website|monorepo)\b/),
  r('greenfield', 'scaffold', 2, /\b(scaffold\w*|bootstrap|initiali[sz]e (a|the|an) (new )?(project|repo|repository|app))\b/),
  r('greenfield', 'create-an-app', 2, /\b(create|build|make|write) an? (small |simple |basic |minimal )?[\w-]{0,20} ?(app|application|cli|service|library|tool|website|server|bot|game)\b/),
];

/** Ties are broken in this order: the riskier or more specific type wins. */
export const TIE_ORDER: readonly GoalType[] = [
  'security',
  'bugfix',
  'migration',
  'performance',
  'tests',
  'docs',
  'refactor',
  'greenfield',
  'feature',
];

/** Weight added for greenfield when the repository has no detected language and no gate. */
export const EMPTY_REPO_WEIGHT = 2;
