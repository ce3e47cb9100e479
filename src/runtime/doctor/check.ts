/** One line of `omk doctor`: what was checked, how it went, and how to fix it. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** Stable identifier, e.g. `node`, `engine.kimi`, `env.MOONSHOT_API_KEY`. */
  id: string;
  /** Group shown in text output. */
  group: 'system' | 'engines' | 'credentials' | 'config' | 'state';
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** How to fix a warn or fail, one line. */
  fix?: string;
}

export function worstStatus(checks: readonly DoctorCheck[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'ok';
}
