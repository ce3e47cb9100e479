import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, isRunning, processesUnder, spawnOmk, until, type Child } from '../runtime/goal/cli-child.js';
import { commitFiles, useFakeAgent } from '../runtime/goal/parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from '../runtime/goal/sample-repo.js';
import { ARTIFACTS, HAS_CHROMIUM, launchChromium, onlyGoal, startDashboardChild, type DashboardChild } from './browser-harness.js';

const A_TEST = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { a } from './a.js';\ntest('a is one', () => assert.equal(a, 1));\n";
const HOSTILE = "export const b = '<img src=x onerror=\"window.__pwned=1\">';\n";
const TOKEN = 'e2e-dashboard-token-0123456789abcdef';

/** Every committed seq the page's timeline shows, in order. */
const shownSeqs = (page: Page): Promise<number[]> => page.$$eval('#timeline li[data-seq]', (lis) => lis.map((li) => Number(li.getAttribute('data-seq'))));
const statusIs = (page: Page, status: string, timeout = 90_000) => page.waitForFunction((s) => document.getElementById('goal-status')?.textContent === s, status, { timeout });

describe.skipIf(!BUILT || !HAS_CHROMIUM)('the dashboard in a real browser (needs npm run build and /usr/bin/chromium)', () => {
  let browser: Browser;
  let repo: SampleRepo;
  let dash: DashboardChild | undefined;
  let goal: Child | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => browser?.close());
  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH, 'a.js': 'export const a = 1;\n', 'a.test.js': A_TEST }, 'a is one');
  });
  afterEach(async () => {
    await dash?.stop();
    dash = undefined;
    if (goal && goal.child.exitCode === null) goal.child.kill('SIGTERM');
    await goal?.done;
    repo.cleanup();
  });

  it('shows both agents’ tool calls live, a gate failure’s output, then the proof; after a server restart each event once', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }, { id: 'part-b', write: ['b.js'] }], {
      'part-a \\(attempt 1\\)': [{ run: { command: 'echo tool-a-live' } }, { sleep_ms: 3000 }, { edit: { path: 'a.js', content: 'export const a = 2;\n' } }, { say: 'changed a' }],
      'part-a \\(attempt 2\\)': [{ edit: { path: 'a.js', content: 'export const a = 1; // checked\n' } }, { say: 'a is one again' }],
      'part-b ': [{ run: { command: 'echo tool-b-live' } }, { sleep_ms: 3000 }, { edit: { path: 'b.js', content: HOSTILE } }, { say: 'added b <img src=x onerror="window.__pwned=1">' }],
    });
    goal = spawnOmk(['goal', 'run', 'do the work', '--json', '--max-agents', '2'], repo.root, repo.env);
    await until(() => onlyGoal(repo.root) !== undefined, 30_000);
    const goalId = onlyGoal(repo.root)!;
    const env = { ...repo.env, OMK_DASHBOARD_TOKEN: TOKEN };
    dash = await startDashboardChild(repo.root, env);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(dash.url.replace('/?', `/goals/${goalId}?`));
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar

    // Both agents' tool calls, from the live feed, while their attempts run.
    await page.waitForFunction(() => ['part-a#1', 'part-b#1'].every((k) => document.querySelector(`[data-agent="${k}"]`)?.textContent?.includes(`echo tool-${k[5]}-live`)), undefined, { timeout: 60_000 });
    const finishedBefore = await page.$$eval('#timeline li[data-type="task.attempt_finished"]', (l) => l.length);
    expect(finishedBefore).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-goal-live.png') });

    // The server goes away mid-run and comes back on the same port: the page resumes its stream.
    await dash.stop();
    dash = await startDashboardChild(repo.root, env, Number(new URL(page.url()).port));

    // A gate failure's output: part-a's first attempt broke a.test.js.
    await page.waitForSelector('#gates tr.failed a', { timeout: 90_000 });
    await page.click('#gates tr.failed a');
    await page.waitForFunction(() => /not ok|AssertionError|strictly equal/.test(document.querySelector('#gate-output pre.stdout')?.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(page.url()).toMatch(/#gate-/);

    // Then the proof, verified.
    await statusIs(page, 'ready');
    await page.waitForFunction(() => document.getElementById('proof-verify')?.textContent?.includes('verified') === true, undefined, { timeout: 30_000 });
    const run = await goal.done;
    expect(run.code, run.stderr).toBe(0);
    const events = readFileSync(path.join(repo.root, '.omk', 'goals', goalId, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    await page.waitForFunction((n) => document.querySelectorAll('#timeline li[data-seq]').length >= n, events, { timeout: 30_000 });
    expect(await shownSeqs(page)).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(await page.getAttribute('#events', 'data-duplicates')).toBe('0');
    // The task graph is drawn, each node in its state.
    expect(await page.$$eval('svg.graph [data-task]', (n) => n.map((x) => `${x.getAttribute('data-task')}:${x.getAttribute('data-state')}`).sort())).toEqual(['part-a:done', 'part-b:done']);
    await page.goto(`http://127.0.0.1:${dash.port}/goals/${goalId}#diff-part-a`);
    await page.waitForFunction(() => document.querySelector('pre.diff')?.textContent?.includes('// checked') === true, undefined, { timeout: 30_000 });
    // Agent output is hostile: the markup it wrote is shown as text and never runs.
    await page.goto(`http://127.0.0.1:${dash.port}/goals/${goalId}#diff-part-b`);
    await page.waitForFunction(() => document.querySelector('pre.diff')?.textContent?.includes('<img src=x') === true, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => ({ imgs: document.querySelectorAll('#app img').length, pwned: (window as { __pwned?: number }).__pwned ?? 0 }))).toEqual({ imgs: 0, pwned: 0 });
    await page.goto(`http://127.0.0.1:${dash.port}/goals/${goalId}`);
    await page.waitForFunction(() => document.getElementById('proof-verify')?.textContent?.includes('verified') === true, undefined, { timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-goal.png'), fullPage: true });
    await page.goto(`http://127.0.0.1:${dash.port}/`);
    await page.waitForSelector(`tr[data-goal="${goalId}"]`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-goals.png'), fullPage: true });
    await page.close();
  }, 240_000);

  it('pause from the page stops both agents (their processes are gone); resume from the page finishes the goal', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }, { id: 'part-b', write: ['b.js'] }], {
      'part-a \\(attempt 1\\)': [{ run: { command: 'echo slow-a' } }, { sleep_ms: 60_000 }, { say: 'too slow' }],
      'part-b \\(attempt 1\\)': [{ run: { command: 'echo slow-b' } }, { sleep_ms: 60_000 }, { say: 'too slow' }],
      'part-a \\(attempt 2\\)': [{ edit: { path: 'a.js', content: 'export const a = 1; // resumed\n' } }, { say: 'done' }],
      'part-b \\(attempt 2\\)': [{ edit: { path: 'b.js', content: 'export const b = 2;\n' } }, { say: 'done' }],
    });
    goal = spawnOmk(['goal', 'run', 'do the work', '--json', '--max-agents', '2'], repo.root, repo.env);
    await until(() => onlyGoal(repo.root) !== undefined, 30_000);
    const goalId = onlyGoal(repo.root)!;
    dash = await startDashboardChild(repo.root, repo.env);
    const page = await browser.newPage();
    await page.goto(dash.url.replace('/?', `/goals/${goalId}?`));
    await page.waitForFunction(() => ['part-a#1', 'part-b#1'].every((k) => document.querySelector(`[data-agent="${k}"]`)?.textContent?.includes('slow-')), undefined, { timeout: 60_000 });
    const worktrees = path.join(repo.root, '.omk', 'worktrees');
    const agents = processesUnder(worktrees).filter((p) => p.cmd.includes('fake-acp-agent'));
    expect(agents.length).toBeGreaterThanOrEqual(2);
    await page.waitForSelector('#btn-pause:not([disabled])');
    await page.click('#btn-pause');
    await statusIs(page, 'paused', 30_000);
    expect((await goal.done).code).not.toBe(null);
    expect(agents.filter((p) => isRunning(p.pid))).toEqual([]);
    const log = readFileSync(path.join(repo.root, '.omk', 'goals', goalId, 'events.jsonl'), 'utf8');
    expect(log).toMatch(/"type":"goal.pause_requested","payload":\{"by":"[^"]+ via the dashboard"/);

    await page.waitForSelector('#btn-resume:not([disabled])');
    await page.click('#btn-resume');
    await statusIs(page, 'ready', 120_000);
    expect(readFileSync(path.join(repo.root, '.omk', 'goals', goalId, 'events.jsonl'), 'utf8')).toMatch(/"type":"proof.written"/);
    await page.close();
  }, 240_000);

  it('a page on another origin cannot read the API or change a goal (403)', async () => {
    writeFileSync(path.join(repo.root, 'x.txt'), '');
    dash = await startDashboardChild(repo.root, repo.env);
    const page = await browser.newPage();
    await page.goto(dash.url); // the browser now holds the cookie
    // The same server under another name (what DNS rebinding gives an attacker's page).
    const other = `http://localhost.localdomain:${dash.port}/api/goals`;
    const direct = await page.request.get(`http://127.0.0.1:${dash.port}/api/goals`, { headers: { origin: 'http://evil.example' } });
    expect(direct.status()).toBe(403);
    expect(await direct.text()).toContain('origin "http://evil.example" are not allowed');
    const rebinding = await page.request.get(other, { failOnStatusCode: false }).catch(() => undefined);
    if (rebinding) expect(rebinding.status()).toBe(403);
    const fresh = await browser.newPage();
    const noToken = await fresh.goto(`http://127.0.0.1:${dash.port}/`);
    expect(noToken?.status()).toBe(403);
    expect(await fresh.textContent('body')).toContain('no access token');
    await fresh.close();
    await page.close();
  }, 60_000);
});
