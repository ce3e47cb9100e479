import { inWriteScope } from '../task-graph/globs.js';

/** What the next attempt is told about the last one. Pure; the runtime supplies gate output tails. */

/** Keep feedback short enough to prompt with: the tail carries the failing assertion. */
export const MAX_FEEDBACK_CHARS = 4000;

export function clip(text: string, max = MAX_FEEDBACK_CHARS): string {
  if (text.length <= max) return text;
  return `[… ${text.length - max} characters cut …]\n${text.slice(text.length - max)}`;
}

/** Paths changed outside the write set (protected paths are always outside). */
export function outOfScope(changed: readonly string[], writeSet: readonly string[]): string[] {
  return changed.filter((p) => !inWriteScope(p, writeSet));
}

export function scopeFeedback(rejected: readonly string[], writeSet: readonly string[]): string {
  return clip(
    [
      `Your changes were rejected and undone: ${rejected.length} file(s) are outside the task's write scope (${writeSet.join(', ') || 'nothing'}):`,
      ...rejected.map((p) => `- ${p}`),
      'Make the change again, touching only files inside the write scope.',
    ].join('\n'),
  );
}

export interface FailedGate {
  name: string;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  infraError: string | null;
  /** The tail of stdout and stderr. */
  output: string;
}

export function gateFeedback(failed: readonly FailedGate[]): string {
  const parts = failed.map((g) => {
    const how = g.infraError ?? (g.timedOut ? 'timed out' : `exit ${g.exitCode ?? 'none'}`);
    return [`Gate \`${g.name}\` (\`${g.command}\`) failed: ${how}. Its output ends with:`, g.output.trimEnd() || '(no output)'].join('\n');
  });
  return clip(parts.join('\n\n'));
}

export function engineFeedback(stopReason: string, message: string | undefined): string {
  return clip(`The agent's turn ended with ${stopReason}${message ? `: ${message}` : ''} before the task was finished.`);
}

export function noChangesFeedback(gatesPass = false): string {
  return gatesPass
    ? 'You made no change. Passing gates are not enough: the task asks for a change (its acceptance criteria and write scope say what); make it.'
    : 'You made no change, and the gates do not pass yet. Change the code so that they do.';
}
