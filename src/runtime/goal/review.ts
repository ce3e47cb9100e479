import path from 'node:path';
import type { GoalLog, IntakeFacts } from '../../core/goal/controller/goal-log.js';
import type { ChangedFile as ReviewFile, ChangeStatus as ReviewStatus } from '../../core/review/diff.js';
import { applyReviewerTurn } from '../../core/review/reviewer-wall.js';
import { buildReviewWall } from '../../core/review/wall.js';
import { knownSecretValues, redactSecrets } from '../../core/redact.js';
import { diffBetween, runGit } from '../git/index.js';
import type { GoalScope } from './context.js';
import { gitContext, record } from './context.js';
import { goalRelative, writeJsonAtomically, writeTextAtomically } from './goal-dir.js';
import { askReviewer, type ReviewerRecord } from './review-agent.js';
import { redGreenPrepared } from '../../core/goal/controller/red-green-facts.js';
import { deriveTestEvidence, pickTestGates } from '../../core/proof/test-evidence.js';
import type { TestCountComparison } from '../../core/review/test-count.js';
import { goalCriteria, readRunOutputs } from '../proof/test-inputs.js';
import { loadGateRuns } from './gate-runs.js';
import { runRedGreen } from './red-green.js';

/** Contents are loaded for the review's whole-file checks (manifests) up to this size. */
const MAX_CONTENT_BYTES = 512 * 1024;
const STATUS: Record<string, ReviewStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

/** The artifact's note when no reviewer agent is configured. */
export const NO_REVIEWER = 'no reviewer engine is configured (defaults.reviewer_engine = "none", or no engine): the wall is omk\'s deterministic checks only';

/**
 * The review wall over the combined diff base..integration head: first the red→green scratch run when the
 * change touched tests (red-green.ts) and the test gates' counts on the base and head; then deterministic
 * checks (test tampering included, allowed only by the request's words) folded into six sections, then the reviewer agent's opinions merged in (review-agent.ts; a reviewer can fail a
 * section, never pass one the checks failed, and one that did not answer leaves a risk). Written to
 * artifacts/reviews/round-N.json with each opinion (the patch under artifacts/diffs/).
 */
export async function runReview(scope: GoalScope, intake: IntakeFacts, log: GoalLog): Promise<void> {
  const { rt } = scope;
  const head = log.integration!.head_sha;
  const git = gitContext(rt);
  const events = await rt.store.readEvents(scope.goalId);
  // The base code with the change's test files, for red→green evidence (red-green.ts).
  await runRedGreen(scope, intake, log, redGreenPrepared(events));
  const testCounts = await countsOnBaseAndHead(scope, intake, log);
  const criteria = [...(await goalCriteria(scope.dir.root, events)).entries()].flatMap(([task, list]) => list.map((criterion, i) => ({ id: `${task}#${i + 1}`, criterion })));
  const diff = await diffBetween(git, intake.base_sha, head);
  const files: ReviewFile[] = [];
  for (const f of diff.files) {
    const file: ReviewFile = { path: f.path, status: STATUS[f.status] ?? 'modified', ...(f.oldPath ? { old_path: f.oldPath } : {}) };
    if (!f.binary) {
      if (f.status !== 'A') {
        const old = await show(git, intake.base_sha, f.oldPath ?? f.path);
        if (old !== undefined) file.old_content = old;
      }
      if (f.status !== 'D') {
        const now = await show(git, head, f.path);
        if (now !== undefined) file.new_content = now;
      }
    }
    files.push(file);
  }
  const wall = buildReviewWall({
    diff: { unified: diff.patch, files },
    headSha: head,
    secretScan: { knownSecrets: knownSecretValues() },
    ...(intake.type === 'performance' ? { required: { performance: true } } : {}),
    request: log.prompt ?? '',
    testCounts,
  });
  const patchFile = path.join(scope.dir.diffs, `combined-round-${log.round}.patch`);
  // The checks saw the real diff; the artifact and the reviewer agent see it with secrets removed.
  const shownPatch = redactSecrets(diff.patch);
  await writeTextAtomically(patchFile, shownPatch);
  let reviewed = wall.sections;
  let reviewerRecord: ReviewerRecord | { outcome: 'none'; detail: string } = { outcome: 'none', detail: NO_REVIEWER };
  if (rt.reviewer) {
    rt.progress(`review: asking ${rt.reviewer.name} to review ${head.slice(0, 12)}`);
    const asked = await askReviewer(scope, rt.reviewer, {
      request: log.prompt ?? '',
      baseSha: intake.base_sha,
      headSha: head,
      round: log.round,
      files: diff.files.map((f) => ({ status: f.status, path: f.oldPath ? `${f.oldPath} -> ${f.path}` : f.path })),
      patch: shownPatch,
      checks: wall.sections,
      criteria,
    });
    reviewed = applyReviewerTurn(wall.sections, asked.turn);
    reviewerRecord = asked.record;
  }
  const wallFile = path.join(scope.dir.reviews, `round-${log.round}.json`);
  await writeJsonAtomically(wallFile, {
    version: 1,
    reviewed_sha: head,
    base_sha: intake.base_sha,
    diff: goalRelative(scope.dir, patchFile),
    sections: reviewed,
    findings: wall.findings,
    reviewer: reviewerRecord,
  });
  const sections = Object.fromEntries(Object.entries(reviewed).map(([name, s]) => [name, s.status]));
  await record(scope, 'review.completed', {
    round: log.round,
    reviewed_sha: head,
    sections,
    path: goalRelative(scope.dir, wallFile),
    ...(rt.reviewer ? { reviewer: { engine: rt.reviewer.name, outcome: reviewerRecord.outcome } } : {}),
  });
  rt.progress(`review: ${Object.entries(sections).map(([k, v]) => `${k}=${v}`).join(' ')}${rt.reviewer ? ` (reviewer ${rt.reviewer.name}: ${reviewerRecord.outcome})` : ''}`);
}

/** The test gates' counts from their runners' reports on the base and on head, for the falling-count check. */
async function countsOnBaseAndHead(scope: GoalScope, intake: IntakeFacts, log: GoalLog): Promise<TestCountComparison[]> {
  const testGates = pickTestGates(intake.oracle.gates, scope.rt.gates);
  const { runs } = await loadGateRuns(scope, log.gateRuns.filter((r) => testGates.includes(r.gate) && (r.scope === 'baseline' || r.scope === 'integration')));
  const outputs = await readRunOutputs(scope.dir.root, runs);
  const head = { sha: log.integration!.head_sha, tree: log.integration!.head_tree };
  const evidence = deriveTestEvidence({ goalType: intake.type, testGates, changedFiles: [], head, changeTestsTree: null, runs, outputs, tamper: [] });
  const side = (r: { counts: { total: number; skipped: number } | null } | null) => (r?.counts ? { total: r.counts.total, skipped: r.counts.skipped } : null);
  return evidence.comparisons.map((c) => ({ gate: c.gate, base: side(c.base), head: side(c.head) }));
}

async function show(git: ReturnType<typeof gitContext>, rev: string, file: string): Promise<string | undefined> {
  try {
    const size = await runGit(git, ['cat-file', '-s', `${rev}:${file}`]);
    if (Number(size.stdout.trim()) > MAX_CONTENT_BYTES) return undefined;
    return (await runGit(git, ['show', `${rev}:${file}`])).stdout;
  } catch {
    return undefined;
  }
}
