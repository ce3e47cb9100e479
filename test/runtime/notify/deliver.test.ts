import { afterEach, describe, expect, it } from 'vitest';
import type { Notification, NotifyTarget } from '../../../src/core/notify/index.js';
import { deliverWithRetries, type DeliveryFact } from '../../../src/runtime/notify/deliver.js';
import { startReceiver, type Receiver } from './receiver.js';

const N: Notification = {
  trigger: 'verdict',
  goal_id: 'g1',
  status: 'ready',
  title: 't',
  headline: 'h',
  detail: 'd',
  readiness: 'd',
  gaps: [],
  question: null,
  budget: null,
  approval: null,
  repository: null,
  next: 'omk goal proof g1',
  event_seq: 3,
  event_ts: '2026-01-01T00:00:00.000Z',
};
const target = (url: string): NotifyTarget => ({ name: 'hook', kind: 'webhook', url, on: new Set(['verdict']), problem: null });

describe('delivery with retries against a real local server', () => {
  let r: Receiver | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  async function deliver(statuses: number[], retries = 3) {
    r = await startReceiver((_q, i) => statuses[i] ?? 200);
    const facts: DeliveryFact[] = [];
    const final = await deliverWithRetries(target(`${r.url}/T1/secretpart`), N, { timeoutMs: 2000, env: {}, settings: { retries, retryBackoffMs: 10 }, onFact: (f) => void facts.push(f) });
    return { final, facts };
  }

  it('retries a 503 and a 429 with doubling waits, then records the delivery', async () => {
    const { final, facts } = await deliver([503, 429, 200]);
    expect(facts).toEqual([
      { type: 'notify.attempt_failed', attempt: 1, error: `HTTP 503 from ${r!.url}: nope`, retry_in_ms: 10 },
      { type: 'notify.attempt_failed', attempt: 2, error: `HTTP 429 from ${r!.url}: nope`, retry_in_ms: 20 },
      { type: 'notify.delivered', attempts: 3, detail: `HTTP 200 from ${r!.url}` },
    ]);
    expect(final).toEqual(facts[2]);
    expect(r!.received).toHaveLength(3);
  });

  it('a 404 is not retried; retries that run out end in notify.failed; the URL path is never in a message', async () => {
    const notFound = await deliver([404]);
    expect(notFound.facts).toEqual([{ type: 'notify.failed', attempts: 1, error: `HTTP 404 from ${r!.url}: nope`, retryable: false }]);
    await r!.close();
    const exhausted = await deliver([500, 500, 500], 1);
    expect(exhausted.facts.map((f) => f.type)).toEqual(['notify.attempt_failed', 'notify.failed']);
    expect(exhausted.final).toMatchObject({ attempts: 2, retryable: true });
    expect(JSON.stringify([notFound, exhausted])).not.toContain('secretpart');
  });

  it('a target whose URL variable is unset fails once, without a request', async () => {
    const facts: DeliveryFact[] = [];
    await deliverWithRetries({ ...target(''), url: null, problem: 'the environment variable X is not set' }, N, { timeoutMs: 100, env: {}, settings: { retries: 3, retryBackoffMs: 10 }, onFact: (f) => void facts.push(f) });
    expect(facts).toEqual([{ type: 'notify.failed', attempts: 1, error: 'the environment variable X is not set', retryable: false }]);
  });
});
