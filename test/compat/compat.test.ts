import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldGoalLog } from '../../src/core/goal/controller/goal-log.js';
import { goalView } from '../../src/core/goal/view/goal-view.js';
import { goalViewSchema } from '../../src/core/goal/view/goal-view-schema.js';
import { readEventLog } from '../../src/runtime/events/reader.js';
import { openStore } from '../../src/runtime/store/sqlite-store.js';
import { runOmk } from '../helpers/cli.js';

/**
 * Old data is a test (STYLE.md 25): every fixture under test/fixtures/compat — a store and goal
 * directories recorded by a released omk — must still verify, replay byte for byte as recorded, and
 * render the same GoalView, in this and every later version. Never edit a fixture; add new ones.
 */
const FIXTURES = path.resolve(__dirname, '../fixtures/compat');
const names = readdirSync(FIXTURES).filter((n) => statSync(path.join(FIXTURES, n)).isDirectory());
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** The fixture as a repository's `.omk/`, in a fresh git repository (commands resolve the repo from cwd). */
function install(name: string): { root: string; omk: string; env: Record<string, string | undefined> } {
  const base = mkdtempSync(path.join(tmpdir(), 'omk-compat-'));
  temps.push(base);
  const root = path.join(base, 'repo');
  const omk = path.join(root, '.omk');
  cpSync(path.join(FIXTURES, name, 'goals'), path.join(omk, 'goals'), { recursive: true });
  cpSync(path.join(FIXTURES, name, 'omk.db'), path.join(omk, 'omk.db'));
  execFileSync('git', ['init', '-q', root]);
  return { root, omk, env: { PATH: process.env.PATH, HOME: base } };
}

/** Every file under `dir` with its sha256: what a read-only command must leave as it was. */
function digests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const f = path.join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else out[path.relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe.each(names)('compatibility fixture %s', (name) => {
  const goals = readdirSync(path.join(FIXTURES, name, 'goals'));

  it('has at least one goal and its goldens', () => {
    expect(goals.length).toBeGreaterThan(0);
    for (const g of goals) for (const f of ['replay.txt', 'replay.json', 'replay.md', 'view.json']) expect(statSync(path.join(FIXTURES, name, 'golden', g, f)).size).toBeGreaterThan(0);
  });

  it('read commands verify the proof and render replay and the view exactly as recorded, writing nothing', async () => {
    const repo = install(name);
    const before = digests(repo.omk);
    for (const g of goals) {
      const golden = path.join(FIXTURES, name, 'golden', g);
      const verify = await runOmk(['goal', 'proof', g, '--verify', '--json'], { cwd: repo.root, env: repo.env });
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, mismatches: [] });
      for (const [format, ext] of [['text', 'txt'], ['json', 'json'], ['md', 'md']] as const) {
        const replay = await runOmk(['goal', 'replay', g, '--format', format], { cwd: repo.root, env: repo.env });
        expect(replay.status).toBe(0);
        expect(replay.stdout, `${g} replay.${ext}`).toBe(readFileSync(path.join(golden, `replay.${ext}`), 'utf8'));
      }
      const status = await runOmk(['goal', 'status', g, '--json'], { cwd: repo.root, env: repo.env });
      expect(status.status, status.stderr).toBe(0);
      const view = JSON.parse(status.stdout) as { goal_dir: string };
      expect(goalViewSchema.safeParse(view).error).toBeUndefined();
      const rendered = JSON.stringify({ ...view, controller: null, workers: [] }, null, 2).replaceAll(view.goal_dir, '<goal_dir>');
      expect(`${rendered}\n`).toBe(readFileSync(path.join(golden, 'view.json'), 'utf8'));
    }
    expect(digests(repo.omk)).toEqual(before);
  });

  it('a store that writes migrates it forward: the feed orders every recorded event, and the kept fold equals a full fold', async () => {
    const repo = install(name);
    const store = await openStore({ dbFile: path.join(repo.omk, 'omk.db'), goalsDir: path.join(repo.omk, 'goals') });
    try {
      const feed = await store.readFeed(0, 1_000_000);
      for (const g of goals) {
        const events = await store.readEvents(g);
        expect(feed.filter((e) => e.goal_id === g).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
        // The store's fold (snapshot + tail) and a fold of the JSONL log agree, and so do their views.
        const fromFile = foldGoalLog(readEventLog(path.join(repo.omk, 'goals', g, 'events.jsonl')).events);
        const kept = await store.goalLog(g);
        expect(kept).toEqual(fromFile);
        expect(goalView(kept, { goalId: g, goalDir: '<goal_dir>' })).toEqual(goalView(fromFile, { goalId: g, goalDir: '<goal_dir>' }));
      }
      expect(await store.feedHead()).toBe(feed.at(-1)!.position);
    } finally {
      await store.close();
    }
    const events = await runOmk(['events', 'verify', goals[0]!, '--json'], { cwd: repo.root, env: repo.env });
    expect(events.status, events.stdout).toBe(0);
  });

  it('a reader that opened the file before a writer migrated it sees the new tables afterwards', async () => {
    const repo = install(name);
    const files = { dbFile: path.join(repo.omk, 'omk.db'), goalsDir: path.join(repo.omk, 'goals') };
    const reader = await openStore({ ...files, readOnly: true });
    try {
      const writer = await openStore(files);
      await writer.close();
      const feed = await reader.readFeed(0, 1_000_000);
      expect(new Set(feed.map((e) => e.goal_id))).toEqual(new Set(goals));
    } finally {
      await reader.close();
    }
  });
});
