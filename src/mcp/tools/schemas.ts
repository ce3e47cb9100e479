import { z } from 'zod';

/** Input fields shared by the goal tools. */
export const goalRef = z.string().min(1).describe('a goal id, a unique id prefix, or "latest"');

/** Structured outputs: the fields clients rely on are typed; the rest passes through as omk returns it. */
export const detachedOutput = {
  goal_id: z.string(),
  pid: z.number().int().nullable(),
  log: z.string(),
  goal_dir: z.string(),
};

export const controlOutput = {
  goal_id: z.string(),
  request: z.enum(['pause', 'cancel']),
  status: z.string(),
  controller: z.object({ pid: z.number(), host: z.string(), heartbeat_at: z.string() }).nullable(),
  message: z.string(),
};

export const decisionOutput = z
  .object({
    goal_id: z.string(),
    event_seq: z.number().int(),
    previous_status: z.string(),
    status: z.string(),
    readiness: z.string(),
  })
  .loose();

/** `proof --verify`'s report (docs/proof-format.md). */
export const verifyOutput = z.object({ ok: z.boolean(), status: z.string().optional(), mismatches: z.array(z.unknown()), checked: z.record(z.string(), z.number()) }).loose();
