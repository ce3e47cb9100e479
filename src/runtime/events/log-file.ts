import path from 'node:path';

/** `<goalsDir>/<goal_id>/events.jsonl`. Goal ids are ours, but never let one climb out of goalsDir. */
export function eventsFile(goalsDir: string, goalId: string): string {
  if (goalId === '' || goalId.includes('/') || goalId.includes('\\') || goalId === '.' || goalId === '..') {
    throw new TypeError(`eventsFile: unsafe goal id ${JSON.stringify(goalId)}`);
  }
  return path.join(goalsDir, goalId, 'events.jsonl');
}
