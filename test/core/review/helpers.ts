import type { ChangeStatus } from '../../../src/core/review/diff.js';
import { joinDiff, type ChangedFile, type ReviewFile } from '../../../src/core/review/diff.js';

export interface FileChange {
  path: string;
  status?: Exclude<ChangeStatus, 'renamed'>;
  removed?: string[];
  added?: string[];
  /** First line of the hunk. @default 1 */
  start?: number;
  old_content?: string;
  new_content?: string;
}

/** A `git diff`-shaped unified diff: one hunk per file, removed lines then added lines. */
export function gitDiff(changes: readonly FileChange[]): string {
  return changes
    .map((c) => {
      const status = c.status ?? 'modified';
      const removed = c.removed ?? [];
      const added = c.added ?? [];
      const start = c.start ?? 1;
      const head = [`diff --git a/${c.path} b/${c.path}`];
      if (status === 'added') head.push('new file mode 100644');
      if (status === 'deleted') head.push('deleted file mode 100644');
      head.push('index 1111111..2222222');
      head.push(status === 'added' ? '--- /dev/null' : `--- a/${c.path}`);
      head.push(status === 'deleted' ? '+++ /dev/null' : `+++ b/${c.path}`);
      const oldStart = status === 'added' ? 0 : start;
      const newStart = status === 'deleted' ? 0 : start;
      head.push(`@@ -${oldStart},${removed.length} +${newStart},${added.length} @@`);
      return [...head, ...removed.map((l) => `-${l}`), ...added.map((l) => `+${l}`)].join('\n');
    })
    .join('\n')
    .concat('\n');
}

export function reviewFiles(changes: readonly FileChange[]): ReviewFile[] {
  const files: ChangedFile[] = changes.map((c) => ({
    path: c.path,
    status: c.status ?? 'modified',
    ...(c.old_content === undefined ? {} : { old_content: c.old_content }),
    ...(c.new_content === undefined ? {} : { new_content: c.new_content }),
  }));
  return joinDiff({ unified: gitDiff(changes), files });
}
