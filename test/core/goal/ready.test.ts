import { describe, expect, it } from 'vitest';
import { selectReadyTasks } from '../../../src/core/goal/task-graph/ready.js';
import type { TaskStatus } from '../../../src/core/store/types.js';
import { graph, task } from './fixtures.js';

const g = graph([
  task('schema', { write_set: ['src/db/**'] }),
  task('api', { write_set: ['src/api/**'], depends_on: ['schema'] }),
  task('ui', { write_set: ['src/ui/**'] }),
  task('styles', { write_set: ['src/ui/styles.css'] }),
  task('docs', { write_set: ['docs/**'], depends_on: ['api'] }),
  task('e2e', { write_set: ['test/e2e/**'], depends_on: ['ui'] }),
]);
const st = (entries: Array<[string, TaskStatus]>) => new Map(entries);

describe('ready-task selection', () => {
  it('at the start: roots are ready; overlapping roots are deferred', () => {
    expect(selectReadyTasks(g, st([]))).toEqual({
      ready: ['schema', 'ui', 'styles'],
      runnable: ['schema', 'ui'],
      deferred: [{ task: 'styles', conflictsWith: 'ui' }],
      stuck: [],
    });
  });

  it('a task becomes ready when all its dependencies are done', () => {
    const r = selectReadyTasks(g, st([['schema', 'done'], ['ui', 'leased']]));
    expect(r.ready).toEqual(['api', 'styles']);
    expect(r.runnable).toEqual(['api']);
    expect(r.deferred).toEqual([{ task: 'styles', conflictsWith: 'ui' }]);
  });

  it('honours the free slots, in graph order', () => {
    expect(selectReadyTasks(g, st([]), { slots: 1 }).runnable).toEqual(['schema']);
    expect(selectReadyTasks(g, st([]), { slots: 0 }).runnable).toEqual([]);
  });

  it('reports tasks whose dependency failed or was cancelled', () => {
    const r = selectReadyTasks(g, st([['schema', 'failed'], ['ui', 'cancelled']]));
    expect(r.stuck).toEqual([
      { task: 'api', dependency: 'schema', status: 'failed' },
      { task: 'e2e', dependency: 'ui', status: 'cancelled' },
    ]);
    expect(r.ready).toEqual(['styles']);
  });

  it('running, done and blocked tasks are not offered again', () => {
    const r = selectReadyTasks(g, st([['schema', 'done'], ['api', 'done'], ['ui', 'done'], ['styles', 'blocked'], ['docs', 'leased'], ['e2e', 'done']]));
    expect(r).toEqual({ ready: [], runnable: [], deferred: [], stuck: [] });
  });
});
