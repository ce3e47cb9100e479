import path from 'node:path';
import type { GoalLog, IntakeFacts } from '../../core/goal/controller/goal-log.js';
import type { ChangedFile as ReviewFile, ChangeStatus as ReviewStatus } from '../../core/review/diff.js';
import { buildReviewWall } from '../../core/review/wall.js';
import { diffBetween, runGit } from '../git/index.js';
import type { GoalScope } from './context.js';
import { gitContext, record } from './context.js';
import { goalRelative, writeJsonAtomically, writeTextAtomically } from './goal-dir.js';

/** Contents are loaded for the review's whole-file checks (manifests) up to this size. */
const MAX_CONTENT_BYTES = 512 * 1024;
const STATUS: Record<string, ReviewStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

/**
 * The review wall over the combined diff base..integration head: deterministic checks folded into
 * six sections, written to artifacts/reviews/round-N.json (with the patch under artifacts/diffs/).
 * Reviewer agents are not asked in this slice; sections no check covers stay `not_run`.
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
  const wall = buildReviewWall({ diff: { unified: diff.patch, files }, headSha: head, ...(intake.type === 'performance' ? { required: { performance: true } } : {}) });
  const patchFile = path.join(scope.dir.diffs, `combined-round-${log.round}.patch`);
  await writeTextAtomically(patchFile, diff.patch);
  const wallFile = path.join(scope.dir.reviews, `round-${log.round}.json`);
  await writeJsonAtomically(wallFile, { version: 1, reviewed_sha: head, base_sha: intake.base_sha, diff: goalRelative(scope.dir, patchFile), sections: wall.sections, findings: wall.findings });
  const sections = Object.fromEntries(Object.entries(wall.sections).map(([name, s]) => [name, s.status]));
  await record(scope, 'review.completed', { round: log.round, reviewed_sha: head, sections, path: goalRelative(scope.dir, wallFile) });
  rt.progress(`review: ${Object.entries(sections).map(([k, v]) => `${k}=${v}`).join(' ')}`);
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
