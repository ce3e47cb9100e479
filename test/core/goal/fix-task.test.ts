import { describe, expect, it } from 'vitest';
import { conflictFixTask, fixTaskId } from '../../../src/core/goal/integration/fix-task.js';
import { inWriteScope } from '../../../src/core/goal/task-graph/globs.js';
import { task } from './fixtures.js';

describe('conflictFixTask', () => {
  // The fix task's diff is measured from the integration head, and merging the slice brings everything
  // its branch changed since the merge base — e.g. the work of a dependency it started from (decision
  // 0004) that is not on the integration branch yet. Every such path must be in its write set, or each
  // attempt fails the write-scope check.
  it('lets the fix task write every path merging the slice changes, besides its write set and the conflicts', () => {
    const slice = task('after-x', { write_set: ['y.txt'], gates: ['lint'] });
    const fix = conflictFixTask(slice, 1, { paths: ['shared.txt'], changed: ['y.txt', 'x.txt', 'shared.txt'], mergedBefore: ['base-z'], gates: ['test'] });
    expect(fix.id).toBe(fixTaskId('after-x', 1));
    expect(fix.write_set).toEqual(['y.txt', 'shared.txt', 'x.txt']);
    for (const p of ['x.txt', 'y.txt', 'shared.txt']) expect(inWriteScope(p, fix.write_set)).toBe(true);
    expect(inWriteScope('other.txt', fix.write_set)).toBe(false);
    expect(fix.gates).toEqual(['lint', 'test']);
  });
});
