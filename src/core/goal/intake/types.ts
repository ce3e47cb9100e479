/**
 * Intake: the request as the human wrote it, what kind of goal it is, whether its success can be made
 * testable, and which gates (the oracle) will decide "done". Pure data; the runtime gathers RepoFacts.
 */

export const GOAL_TYPES = [
  'feature',
  'bugfix',
  'refactor',
  'migration',
  'tests',
  'docs',
  'performance',
  'security',
  'greenfield',
] as const;
/** `migration` covers rewrites and ports as well as migrations (SPEC: "rewrite/migration"). */
export type GoalType = (typeof GOAL_TYPES)[number];

/** What a gate checks, so the oracle can pick gates by purpose rather than by name. */
export const GATE_KINDS = ['test', 'typecheck', 'lint', 'build', 'docs', 'bench', 'security', 'other'] as const;
export type GateKind = (typeof GATE_KINDS)[number];

/** A gate configured or detected in the repository. */
export interface RepoGate {
  name: string;
  command: string;
  /** When absent, inferred from the name and then the command (docs/intake.md, "Gate kinds"). */
  kind?: GateKind;
}

/** Facts about the repository, gathered by the runtime (never by core). */
export interface RepoFacts {
  /** e.g. `typescript`, `python`, `rust`. Empty for an empty repository. */
  languages: readonly string[];
  /** e.g. `npm`, `pnpm`, `cargo`, `pip`. */
  packageManagers: readonly string[];
  gates: readonly RepoGate[];
  /** Whether the repository already contains tests. */
  hasTests: boolean;
}

/** One rule that fired while classifying: which type it speaks for, how strongly, and the text it matched. */
export interface ClassificationSignal {
  type: GoalType;
  rule: string;
  weight: number;
  /** The matched text, lower-cased (or a description for repository signals). */
  match: string;
}

export interface Classification {
  type: GoalType;
  /** 0..1, two decimals. */
  confidence: number;
  /** Every signal that fired, in text order; repository signals last. */
  signals: ClassificationSignal[];
  /** Total weight per type, for types with any signal, highest first. */
  scores: Array<{ type: GoalType; score: number }>;
}

/** A classifier behind one interface: the heuristic one now, an engine-based one later. */
export interface GoalClassifier {
  readonly name: string;
  classify(normalized: string, repo: RepoFacts): Promise<Classification>;
}

export interface Oracle {
  /** Gate names, in the order they should run. Empty when only a human can judge (see humanReview). */
  gates: string[];
  rationale: string;
  /** True when no gate can judge the goal and a human review is the oracle (e.g. docs without a docs build). */
  humanReview: boolean;
}

export interface IntakeInput {
  /** The request exactly as the human wrote it. */
  request: string;
  repo: RepoFacts;
  /** Gate names the user chose explicitly (`--gates`); they replace the oracle's own choice. */
  gates?: readonly string[];
  /**
   * false: never stop the goal with a question (a team run); a vague request or a missing gate is noted in
   * the oracle's rationale instead, and an oracle without gates leaves the proof not ready. @default true
   */
  askQuestions?: boolean;
}

export interface IntakeResult {
  /** Verbatim, never modified. */
  original: string;
  normalized: string;
  type: GoalType;
  confidence: number;
  signals: ClassificationSignal[];
  testable: boolean;
  /** Present exactly when `testable` is false: the question the human must answer. */
  question?: string;
  oracle: Oracle;
}
