import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/core/events/chain.js';
import { buildEnvelope, envelopeLine, genesisHash, type EventEnvelope } from '../../../src/core/events/envelope.js';
import { parseEventLog } from '../../../src/core/events/parse-log.js';

const GOAL = 'prop-goal';

function chain(n: number): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = genesisHash(GOAL);
  for (let seq = 1; seq <= n; seq += 1) {
    const env = buildEnvelope({
      seq,
      ts: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      type: seq === 1 ? 'goal.created' : 'goal.status_changed',
      payload: seq === 1 ? { goal_id: GOAL, prompt: 'café ✓ "quoted"\n' } : { from: 'running', to: 'paused', reason: `r${seq}` },
      prev,
    });
    out.push(env);
    prev = env.hash;
  }
  return out;
}

const BYTES = Buffer.from(chain(6).map(envelopeLine).join(''), 'utf8');

describe('verify (property)', () => {
  it('detects any single-byte change anywhere in a valid log', () => {
    expect(verifyChain(parseEventLog(BYTES.toString('utf8')).lines, { goalId: GOAL }).ok).toBe(true);
    fc.assert(
      fc.property(fc.nat({ max: BYTES.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, delta) => {
        const mutated = Buffer.from(BYTES);
        mutated[offset] = (mutated[offset]! + delta) % 256;
        const report = verifyChain(parseEventLog(mutated.toString('utf8')).lines, { goalId: GOAL });
        return !report.ok;
      }),
      { numRuns: 2000 },
    );
  });
});
