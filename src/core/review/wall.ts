import type { ReviewSection, ReviewSectionName, ReviewStatus, ReviewWall } from '../proof/evidence.js';
import { REVIEW_SECTIONS } from '../proof/evidence.js';
import { joinDiff, type DiffInput } from './diff.js';
import { checkNewDependencies } from './dependencies.js';
import { checkDiffSize, type DiffSizeThresholds } from './diff-size.js';
import { CHECK_SECTION, isTamperCheck, type CheckResult, type Finding } from './finding.js';
import { scanSecrets, type SecretScanOptions } from './secret-scan.js';
import { checkConflictMarkers, checkStubMarkers } from './stub-markers.js';
import { applyTestChangeAllowances } from './test-allowance.js';
import { checkDeletedTests, checkSkippedTests, checkWeakenedTests } from './test-checks.js';
import { checkExcludedTests } from './test-config.js';
import { checkTestCount, type TestCountComparison } from './test-count.js';
import { checkSnapshotChanges } from './test-snapshots.js';

/**
 * Which sections must not fail for the goal to be ready. Performance has no deterministic
 * check and is required only when the goal asks for it (a performance goal), so that no
 * default setup needs a `perf`/`bench` gate to ever become ready (predecessor §11.3 item 4).
 */
export const DEFAULT_REQUIRED_SECTIONS: Readonly<Record<ReviewSectionName, boolean>> = {
  architect: true,
  code: true,
  tests: true,
  security: true,
  performance: false,
  anti_slop: true,
};

export interface ReviewWallInput {
  diff: DiffInput;
  /** The head commit whose diff this is (recorded as each section's `reviewed_sha`). */
  headSha: string;
  /** Overrides of DEFAULT_REQUIRED_SECTIONS. */
  required?: Partial<Record<ReviewSectionName, boolean>>;
  diffSize?: DiffSizeThresholds;
  secretScan?: SecretScanOptions;
  /** The goal's request, verbatim: the only words that can allow a test-tamper finding (test-allowance.ts). */
  request?: string;
  /** The test gates' counts on the base and on head; the falling-count check runs only when given. */
  testCounts?: readonly TestCountComparison[];
}

export interface ReviewWallResult {
  sections: ReviewWall;
  /** Every finding, in section order then check order then file/line. */
  findings: Finding[];
  checks: CheckResult[];
}

/**
 * Runs every deterministic check and folds the findings into the six sections: a `fail`
 * finding fails its section (its message becomes a gap), a `warn` finding makes it `warn`
 * (its message becomes a risk), a section whose checks all ran clean passes, and a section no
 * check covers (performance) stays `not_run` until a reviewer agent's opinion is merged in.
 */
export function buildReviewWall(input: ReviewWallInput): ReviewWallResult {
  const files = joinDiff(input.diff);
  const checks: CheckResult[] = [
    scanSecrets(files, input.secretScan),
    checkDiffSize(files, input.diffSize),
    checkNewDependencies(files),
    checkDeletedTests(files),
    checkSkippedTests(files),
    checkWeakenedTests(files),
    checkExcludedTests(files),
    checkSnapshotChanges(files),
    ...(input.testCounts ? [checkTestCount(input.testCounts)] : []),
    checkStubMarkers(files),
    checkConflictMarkers(files),
  ].map((c) => (isTamperCheck(c.check) ? { ...c, findings: applyTestChangeAllowances(c.findings, input.request ?? '') } : c));
  const required = { ...DEFAULT_REQUIRED_SECTIONS, ...input.required };
  const sections = {} as ReviewWall;
  const findings: Finding[] = [];
  for (const name of REVIEW_SECTIONS) {
    const mine = checks.filter((c) => CHECK_SECTION[c.check] === name);
    const found = mine.flatMap((c) => c.findings);
    findings.push(...found);
    if (mine.length === 0) {
      sections[name] = {
        status: 'not_run',
        required: required[name],
        reviewed_sha: null,
        evidence: [],
        risks: [],
        gaps: [`no deterministic ${name} check exists; a reviewer agent or a gate must judge it`],
      };
      continue;
    }
    const status: ReviewStatus = found.some((f) => f.severity === 'fail') ? 'fail' : found.length > 0 ? 'warn' : 'pass';
    sections[name] = {
      status,
      required: required[name],
      reviewed_sha: input.headSha,
      evidence: mine.map((c) => c.evidence),
      risks: found.filter((f) => f.severity === 'warn').map((f) => f.message),
      gaps: found.filter((f) => f.severity === 'fail').map((f) => f.message),
    };
  }
  return { sections, findings, checks };
}

/** A reviewer agent's opinion on one section, merged in by the controller. */
export interface ReviewerOpinion {
  section: ReviewSectionName;
  /** Engine/model that reviewed, e.g. `kimi:kimi-k2`. */
  reviewer: string;
  status: Exclude<ReviewStatus, 'not_run'>;
  /** The reviewer's reasoning, one paragraph. */
  notes: string;
  /** The commit the reviewer looked at. */
  reviewed_sha: string;
  evidence?: string[];
  risks?: string[];
  gaps?: string[];
}

const SEVERITY: Record<ReviewStatus, number> = { not_run: 0, pass: 1, warn: 2, fail: 3 };

/**
 * Merges reviewer opinions into the wall. The worse status wins, so a reviewer can fail a
 * section the checks passed but can never pass one they failed. An opinion on another commit
 * than the section's is recorded as a risk and not merged. Pure: returns a new wall.
 */
export function mergeReviewerOpinions(wall: ReviewWall, opinions: readonly ReviewerOpinion[]): ReviewWall {
  const out = {} as ReviewWall;
  for (const name of REVIEW_SECTIONS) out[name] = cloneSection(wall[name]);
  for (const op of opinions) {
    const s = out[op.section];
    const who = `reviewer ${op.reviewer}`;
    if (s.reviewed_sha !== null && s.reviewed_sha !== op.reviewed_sha) {
      s.risks.push(`${who} reviewed ${op.reviewed_sha.slice(0, 12)}, not ${s.reviewed_sha.slice(0, 12)}; opinion not counted`);
      continue;
    }
    if (s.status === 'not_run') s.gaps = [];
    s.reviewed_sha = op.reviewed_sha;
    if (SEVERITY[op.status] > SEVERITY[s.status]) s.status = op.status;
    s.evidence.push(`${who}: ${op.notes}`, ...(op.evidence ?? []).map((e) => `${who}: ${e}`));
    s.risks.push(...(op.risks ?? []).map((r) => `${who}: ${r}`));
    const gaps = (op.gaps ?? []).map((g) => `${who}: ${g}`);
    if (op.status === 'fail' && gaps.length === 0) gaps.push(`${who}: ${op.notes}`);
    s.gaps.push(...gaps);
  }
  return out;
}

function cloneSection(s: ReviewSection): ReviewSection {
  return { ...s, evidence: [...s.evidence], risks: [...s.risks], gaps: [...s.gaps] };
}
