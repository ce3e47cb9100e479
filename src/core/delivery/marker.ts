/**
 * The hidden line at the end of every PR body omk writes: `<!-- omk:goal=<id> -->`. It is how a
 * second delivery of the same goal finds its pull request and updates it instead of opening another.
 * A body "has" the marker only when one whole line is exactly the marker: evidence text is always
 * folded into lines that start with other markup and has `<` escaped, so it cannot forge one.
 */
const MARKER_LINE = /^<!-- omk:goal=([A-Za-z0-9._~%-]+) -->$/;

/** The marker line for a goal. Characters outside `[A-Za-z0-9._~-]` are percent-encoded. */
export function prMarker(goalId: string): string {
  return `<!-- omk:goal=${encodeGoalId(goalId)} -->`;
}

/** Whether `body` carries the marker of `goalId`. */
export function hasPrMarker(body: string | null | undefined, goalId: string): boolean {
  return findPrMarker(body) === goalId;
}

/** The goal id of the first marker line in `body`, or undefined. */
export function findPrMarker(body: string | null | undefined): string | undefined {
  if (!body) return undefined;
  for (const line of body.split(/\r?\n/)) {
    const match = MARKER_LINE.exec(line.trim());
    if (match?.[1] !== undefined) {
      try {
        return decodeURIComponent(match[1]);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function encodeGoalId(goalId: string): string {
  return encodeURIComponent(goalId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
