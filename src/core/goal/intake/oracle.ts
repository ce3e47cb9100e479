import { gatesByKind } from './gate-kinds.js';
import type { GateKind, GoalType, Oracle, RepoFacts } from './types.js';

interface OracleRule {
  /** Gate kinds that decide "done", in run order. Every present gate of these kinds joins the oracle. */
  kinds: readonly GateKind[];
  /** At least one gate of one of these kinds must exist, or the goal is not testable. Empty: never blocks. */
  required: readonly GateKind[];
  why: string;
  /** Asked when no required gate exists. */
  question: string;
}

const GATE_HINT = 'configure it as a gate (`[gates.NAME] command = "…"` in .omk/config.toml) or give it to this run (`omk goal run … --gate "test=COMMAND"`)';
const NO_TEST_QUESTION =
  `Which behaviour should change, and how will we know it works — which test or command must pass? This repository has no test gate; ${GATE_HINT}.`;

/** docs/intake.md, "Oracle", is this table in prose. */
export const ORACLE_RULES: Readonly<Record<GoalType, OracleRule>> = {
  bugfix: {
    kinds: ['test', 'typecheck'],
    required: ['test'],
    why: 'a bug fix is done when a regression test and the existing tests pass',
    question: `Which test or command reproduces the bug and must pass once it is fixed? This repository has no test gate; ${GATE_HINT}.`,
  },
  feature: {
    kinds: ['test', 'typecheck', 'lint', 'build'],
    required: ['test'],
    why: 'a feature is done when tests for the new behaviour and the existing checks pass',
    question: NO_TEST_QUESTION,
  },
  refactor: {
    kinds: ['test', 'typecheck', 'lint'],
    required: ['test'],
    why: 'a refactor must leave behaviour unchanged, which only the existing tests can show',
    question: `Which tests show that behaviour is unchanged? A refactor without tests cannot be judged; ${GATE_HINT}.`,
  },
  migration: {
    kinds: ['test', 'typecheck', 'build'],
    required: ['test', 'build'],
    why: 'a rewrite or migration is done when the project still builds and its tests pass on the new stack',
    question: `Which command proves the migrated code still works (tests or at least a build)? This repository has neither a test nor a build gate; ${GATE_HINT}.`,
  },
  tests: {
    kinds: ['test', 'typecheck'],
    required: ['test'],
    why: 'new tests are done when the test gate runs them and passes',
    question: `Which command runs the tests? This repository has no test gate; ${GATE_HINT}.`,
  },
  docs: {
    kinds: ['docs', 'lint'],
    required: [],
    why: 'documentation is checked by the docs build and linters where present',
    question: '',
  },
  performance: {
    kinds: ['bench', 'test'],
    required: ['bench'],
    why: 'a performance goal is done when a benchmark shows the improvement and the tests still pass',
    question: `Which operation should get faster, by how much, and which benchmark command measures it? Add a benchmark gate (\`[gates.bench] command = "…"\` in .omk/config.toml) so omk can measure before and after.`,
  },
  security: {
    kinds: ['test', 'security', 'typecheck', 'lint'],
    required: ['test', 'security'],
    why: 'a security fix is done when a test exercises the attack and the security checks pass',
    question: `Which test or scanner must pass to show the weakness is closed? This repository has neither a test nor a security gate; ${GATE_HINT}.`,
  },
  greenfield: {
    kinds: ['test', 'typecheck', 'lint', 'build'],
    required: ['test', 'build'],
    why: 'a new project is done when its own tests and build pass',
    question: `Which command should prove the new project works (for example \`npm test\`)? Gates are configured, never invented by an agent: ${GATE_HINT} before the goal runs.`,
  },
};

export interface OracleChoice {
  oracle: Oracle;
  /** Set when the repository has no gate that can judge this goal type. */
  question?: string;
}

/** The gates that decide "done" for a goal type in this repository. */
export function pickOracle(type: GoalType, repo: RepoFacts, chosen?: readonly string[]): OracleChoice {
  if (chosen !== undefined && chosen.length > 0) {
    const gates = [...new Set(chosen)];
    return { oracle: { gates, rationale: `gates chosen explicitly: ${gates.join(', ')}`, humanReview: false } };
  }
  const rule = ORACLE_RULES[type];
  const byKind = gatesByKind(repo.gates);
  const gates = [...new Set(rule.kinds.flatMap((k) => byKind.get(k) ?? []))];
  const hasRequired = rule.required.some((k) => (byKind.get(k)?.length ?? 0) > 0);
  const described = gates.length > 0 ? `gates ${gates.join(', ')}` : 'no gate';
  if (type === 'docs' && gates.length === 0) {
    return {
      oracle: {
        gates: [],
        rationale: `${rule.why}; this repository has no docs or lint gate, so a human review is the oracle`,
        humanReview: true,
      },
    };
  }
  if (rule.required.length > 0 && !hasRequired) {
    return {
      oracle: { gates, rationale: `${rule.why}; found ${described} but no ${rule.required.join(' or ')} gate`, humanReview: false },
      question: rule.question,
    };
  }
  return { oracle: { gates, rationale: `${rule.why}: ${described}`, humanReview: false } };
}
