import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admit,
  budgetReport,
  charge,
  checkBeforeSpawn,
  createBudget,
  reconcile,
  release,
  reservedOf,
  tokensOf,
  type BudgetState,
} from '../../../src/core/budget/index.js';
import { T0 } from './fixtures.js';

type Op =
  | { kind: 'spawn'; tokens: number; usd: number }
  | { kind: 'charge'; pick: number; tokens: number; usd: number }
  | { kind: 'reconcile'; pick: number; tokens: number; usd: number }
  | { kind: 'release'; pick: number };

const amount = fc.integer({ min: 0, max: 40_000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('spawn' as const), tokens: amount, usd: amount }),
  fc.record({ kind: fc.constant('charge' as const), pick: fc.nat(), tokens: amount, usd: amount }),
  fc.record({ kind: fc.constant('reconcile' as const), pick: fc.nat(), tokens: amount, usd: amount }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
);

const usage = (tokens: number, usd: number) => ({ tokens_in: tokens, tokens_out: 0, usd_micros: usd });

describe('budget properties', () => {
  it('with checkBeforeSpawn respected, used + reserved stays within the limit except by what workers overran their estimates, and an overshoot is always flagged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 0, max: 200_000 }), fc.array(op, { maxLength: 60 }), (tokenLimit, usdLimit, ops) => {
        let s: BudgetState = createBudget({ time_ms: null, tokens: tokenLimit, usd_micros: usdLimit });
        let next = 0;
        let spent = { tokens: 0, usd: 0 };
        // Per reservation: estimate and actual so far, to bound the overrun.
        const book = new Map<string, { est: { tokens: number; usd: number }; actual: { tokens: number; usd: number } }>();
        const overrun = () => {
          let tokens = 0;
          let usd = 0;
          for (const b of book.values()) {
            tokens += Math.max(0, b.actual.tokens - b.est.tokens);
            usd += Math.max(0, b.actual.usd - b.est.usd);
          }
          return { tokens, usd };
        };
        for (const o of ops) {
          const open = s.reservations.map((r) => r.id);
          const id = open.length > 0 && o.kind !== 'spawn' ? open[o.pick % open.length]! : undefined;
          if (o.kind === 'spawn') {
            const a = admit(s, { id: `r${next}`, task_id: 't', tokens: o.tokens, usd_micros: o.usd }, T0);
            expect(a.ok).toBe(checkBeforeSpawn(s, { tokens: o.tokens, usd_micros: o.usd }, T0).ok);
            if (a.ok) {
              s = a.state;
              book.set(`r${next}`, { est: { tokens: o.tokens, usd: o.usd }, actual: { tokens: 0, usd: 0 } });
              next++;
            }
          } else if (id === undefined) {
            continue;
          } else if (o.kind === 'release') {
            s = release(s, id, T0);
          } else {
            s = o.kind === 'charge' ? charge(s, id, usage(o.tokens, o.usd), T0) : reconcile(s, id, usage(o.tokens, o.usd), T0);
            const b = book.get(id)!;
            b.actual = { tokens: b.actual.tokens + o.tokens, usd: b.actual.usd + o.usd };
            spent = { tokens: spent.tokens + o.tokens, usd: spent.usd + o.usd };
          }

          const reserved = reservedOf(s);
          const over = overrun();
          // Nothing lost, nothing counted twice.
          expect(tokensOf(s.used)).toBe(spent.tokens);
          expect(s.used.usd_micros).toBe(spent.usd);
          // The limit holds, up to what workers overran.
          expect(tokensOf(s.used) + reserved.tokens).toBeLessThanOrEqual(tokenLimit + over.tokens);
          expect(s.used.usd_micros + reserved.usd_micros).toBeLessThanOrEqual(usdLimit + over.usd);
          // Every overrun is on record.
          const recorded = new Set(s.overruns.map((x) => x.reservation_id));
          for (const [rid, b] of book) {
            const isOver = b.actual.tokens > b.est.tokens || b.actual.usd > b.est.usd;
            expect(recorded.has(rid)).toBe(isOver);
          }
          // An overshoot is flagged, with its size.
          const report = budgetReport(s, T0);
          expect(report.tokens.exceeded).toBe(tokensOf(s.used) > tokenLimit);
          expect(report.tokens.overshoot).toBe(Math.max(0, tokensOf(s.used) - tokenLimit));
          expect(report.usd.exceeded).toBe(s.used.usd_micros > usdLimit);
          if (over.tokens === 0) expect(report.tokens.exceeded).toBe(false);
          if (over.usd === 0) expect(report.usd.exceeded).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('USD sums are exact however the amounts are split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 50 }), (amounts) => {
        let s = createBudget();
        for (const a of amounts) s = reconcile(s, 'none', usage(0, a), T0);
        expect(s.used.usd_micros).toBe(amounts.reduce((x, y) => x + y, 0));
      }),
    );
  });
});
