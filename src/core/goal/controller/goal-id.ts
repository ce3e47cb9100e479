/**
 * Goal ids: `g-YYYYMMDD-HHMMSS-xxxx`, UTC from the injected clock plus four hex digits of randomness
 * from the caller. They sort by creation time, are unique in practice, and are clean branch and
 * directory components (`omk/<goal>/<task>`, `.omk/goals/<goal>/`).
 */
export const GOAL_ID_PATTERN = /^g-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function newGoalId(now: Date, randomHex: string): string {
  if (!/^[0-9a-f]{4}$/.test(randomHex)) throw new RangeError(`newGoalId: expected 4 hex digits, got ${JSON.stringify(randomHex)}`);
  const iso = now.toISOString(); // 2025-03-01T12:00:00.000Z
  const date = iso.slice(0, 10).replace(/-/g, '');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `g-${date}-${time}-${randomHex}`;
}
