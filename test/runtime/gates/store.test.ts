import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GateEvidence } from '../../../src/core/gates/evidence.js';
import { MIGRATIONS } from '../../../src/runtime/store/migrations.js';
import { openIn, tempRepo, type TempRepo } from '../store/helpers.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const evidence = (key: string): GateEvidence => ({ version: 1, cache_key: key, name: 'test', tree_sha: 't' }) as GateEvidence;

describe('gate tables in the store', () => {
  it('migrates a schema-1 database forward, keeping its data', async () => {
    repo = tempRepo();
    mkdirSync(path.dirname(repo.dbFile), { recursive: true });
    const old = new Database(repo.dbFile);
    old.exec(MIGRATIONS[0]!.sql);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO goals (id, prompt, status, created_at, updated_at) VALUES ('g1', 'p', 'created', 'x', 'x')").run();
    old.close();
    const store = await openIn(repo);
    try {
      expect((await store.getGoal('g1'))?.prompt).toBe('p');
      expect(await store.gates.listBreakers('/r')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stores cache entries and breakers; a damaged cache row is a miss', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    try {
      await store.transaction((tx) => tx.gates.putCachedRun(evidence('k1')));
      expect(await store.gates.getCachedRun('k1')).toEqual(evidence('k1'));
      expect(await store.gates.getCachedRun('k2')).toBeUndefined();
      await store.transaction((tx) =>
        tx.gates.putBreaker({ scope: '/r', gate: 'test', state: 'open', consecutive_failures: 3, opened_at: 'a', updated_at: 'a' }, {
          gate: 'test',
          from: 'closed',
          to: 'open',
          reason: 'r',
          consecutive_failures: 3,
        }),
      );
      expect(await store.gates.listBreakers('/r')).toEqual([
        { scope: '/r', gate: 'test', state: 'open', consecutive_failures: 3, opened_at: 'a', updated_at: 'a' },
      ]);
      expect(await store.gates.listBreakers('/other')).toEqual([]);
      expect((await store.gates.listBreakerTransitions('/r'))[0]).toMatchObject({ from: 'closed', to: 'open', reason: 'r' });
    } finally {
      await store.close();
    }
    const db = new Database(repo.dbFile);
    db.prepare("UPDATE gate_cache SET evidence = '{broken' WHERE key = 'k1'").run();
    db.close();
    const again = await openIn(repo);
    try {
      expect(await again.gates.getCachedRun('k1')).toBeUndefined();
    } finally {
      await again.close();
    }
  });

  it('a rolled-back transaction leaves no breaker behind', async () => {
    repo = tempRepo();
    const store = await openIn(repo);
    try {
      await expect(
        store.transaction(async (tx) => {
          await tx.gates.putBreaker({ scope: '/r', gate: 'x', state: 'open', consecutive_failures: 3, updated_at: 'a' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.gates.getBreaker('/r', 'x')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
