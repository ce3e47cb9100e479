import { worstStatus, type DoctorCheck } from '../runtime/doctor/check.js';
import { collectDoctorChecks } from '../runtime/doctor/collect.js';
import type { AppContext } from './context.js';

export type { DoctorCheck } from '../runtime/doctor/check.js';

export interface DoctorReport {
  ok: boolean;
  status: DoctorCheck['status'];
  counts: Record<DoctorCheck['status'], number>;
  checks: DoctorCheck[];
}

/** `doctor`: Node, git, SQLite, engines, API keys (set or not, never values), config, state directories, protections. */
export async function runDoctor(ctx: Pick<AppContext, 'env' | 'paths'>): Promise<DoctorReport> {
  const timeout = Number(ctx.env.OMK_DOCTOR_TIMEOUT_MS);
  const checks = await collectDoctorChecks({ env: ctx.env, paths: ctx.paths, versionTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined });
  const status = worstStatus(checks);
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;
  return { ok: status !== 'fail', status, counts, checks };
}
