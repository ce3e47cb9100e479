import type { EventPayload } from '../../core/events/catalogue.js';
import type { EventEnvelope } from '../../core/events/envelope.js';
import type { HumanDecision } from '../../core/proof/evidence.js';

/** Every `human.accepted` / `human.rejected` in the goal's log, in recorded order: the proof's `human.decisions`. */
export function humanDecisionsFromLog(events: readonly EventEnvelope[]): HumanDecision[] {
  const out: HumanDecision[] = [];
  for (const e of events) {
    if (e.type === 'human.accepted') {
      const p = e.payload as EventPayload<'human.accepted'>;
      out.push({ kind: 'accept', by: p.by, at: p.at, text: p.summary });
    } else if (e.type === 'human.rejected') {
      const p = e.payload as EventPayload<'human.rejected'>;
      out.push({ kind: 'reject', by: p.by, at: p.at, text: p.reason });
    }
  }
  return out;
}
