import { OmkError } from '../errors.js';

/** How `omk … GOAL` arguments name a goal: an id, a unique prefix, or `latest`. */
export const LATEST = 'latest';

/**
 * Picks the goal id a reference names among the ids that start with it (`candidates`,
 * which the store found by prefix). Exact matches win over longer ids sharing the prefix.
 */
export function pickGoalId(ref: string, candidates: readonly string[]): string {
  if (candidates.includes(ref)) return ref;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new OmkError('not_found', `no goal matches "${ref}"`, {
      hint: 'list goals with `omk goal list`, or use "latest"',
    });
  }
  const shown = candidates.slice(0, 10).join(', ');
  const more = candidates.length > 10 ? ` and ${candidates.length - 10} more` : '';
  throw new OmkError('usage', `goal prefix "${ref}" is ambiguous: ${shown}${more}`, {
    hint: 'type more characters of the goal id',
  });
}
