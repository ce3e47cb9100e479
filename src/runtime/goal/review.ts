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

/** Contents are loaded for the review's whole-file checks (manifests) up to this size. */
const MAX_CONTENT_BYTES = 512 * 1024;
const STATUS: Record<string, ReviewStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

/** The artifact's note when no reviewer agent is configured. */
export const NO_REVIEWER = 'no reviewer engine is configured (defaults.reviewer_engine = "none", or no engine): the wall is omk\'s deterministic checks only';

/**
 * The review wall over the combined diff base..integration head: deterministic checks folded into
 * six sections, then the reviewer agent's opinions merged in (review-agent.ts; a reviewer can fail a
 * section, never pass one the checks failed, and one that did not answer leaves a risk). Written to
 * artifacts/reviews/round-N.json with each opinion (the patch under artifacts/diffs/).
 */
export async function runReview(scope: GoalScope, intake: IntakeFacts, log: GoalLog): Promise<void> {
  const { rt } = scope;
  const head = log.integration!.head_sha;
  const git = gitContext(rt);
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

async function show(git: ReturnType<typeof gitContext>, rev: string, file: string): Promise<string | undefined> {
  try {
    const size = await runGit(git, ['cat-file', '-s', `${rev}:${file}`]);
    if (Number(size.stdout.trim()) > MAX_CONTENT_BYTES) return undefined;
    return (await runGit(git, ['show', `${rev}:${file}`])).stdout;
  } catch {
    return undefined;
  }
}
