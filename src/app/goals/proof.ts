import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OmkError } from '../../core/errors.js';
import type { ReplayFormat } from '../../core/goal/controller/replay.js';
import { verifyProof, type ProofVerifyReport } from '../../runtime/proof/verify-proof.js';
import type { AppContext } from '../context.js';
import { withRepoStore } from '../repo.js';

export type { ProofVerifyReport } from '../../runtime/proof/verify-proof.js';

/** The proof as written: proof.md, or proof.json's text. `not_found` before there is one. */
export function readGoalProof(ctx: AppContext, ref: string, format: 'md' | 'json'): Promise<{ goal_id: string; text: string; path: string }> {
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const file = path.join(paths.goalsDir, goal.id, format === 'json' ? 'proof.json' : 'proof.md');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new OmkError('not_found', `goal ${goal.id} has no proof yet (status ${goal.status})`, { hint: `omk goal status ${goal.id}` });
    }
    // Never print a damaged proof as if it were one; the file is left as it is (a read command writes nothing).
    if (format === 'json') {
      try {
        JSON.parse(text);
      } catch (error) {
        throw new OmkError('store_corrupt', `${file} is not valid JSON (${(error as Error).message})`, {
          hint: `the file was changed after omk wrote it: \`omk goal proof ${goal.id} --verify\` reports what differs; restore it from a backup, or re-derive it with \`omk goal accept|reject\``,
        });
      }
    }
    return { goal_id: goal.id, text, path: file };
  });
}

/** `proof --verify`: re-derives the verdict from the evidence and checks every digest and the event chain. */
export function verifyGoalProof(ctx: AppContext, ref: string): Promise<ProofVerifyReport & { goal_id: string }> {
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goal = await store.resolveGoal(ref);
    const report = await verifyProof({
      goalDir: path.join(paths.goalsDir, goal.id),
      goalId: goal.id,
      storeEvents: await store.readEvents(goal.id),
      storeGoal: { prompt: goal.prompt },
      git: { cwd: paths.repoRoot, env: ctx.env },
    });
    return { ...report, goal_id: goal.id };
  });
}

/** `replay`: the goal's timeline rendered from events.jsonl as it is (deterministic; a torn last line tolerated). */
export async function replayGoal(ctx: AppContext, ref: string, opts: { from?: number; format?: ReplayFormat } = {}): Promise<{ goal_id: string; text: string }> {
  const [{ renderReplay }, { readEventLog }] = await Promise.all([import('../../core/goal/controller/replay.js'), import('../../runtime/events/reader.js')]);
  return withRepoStore(ctx, 'read', async (store, paths) => {
    const goalId = (await store.resolveGoal(ref)).id;
    const log = readEventLog(path.join(paths.goalsDir, goalId, 'events.jsonl'));
    if (!log.exists) throw new OmkError('not_found', `goal ${goalId} has no events.jsonl`);
    return { goal_id: goalId, text: renderReplay({ goalId, events: log.events, stats: log.stats, from: opts.from ?? 1 }, opts.format ?? 'text') };
  });
}
