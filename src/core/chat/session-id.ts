/**
 * Chat session ids: `c-YYYYMMDD-HHMMSS-xxxx` (UTC from the injected clock, four hex digits from the
 * caller), like goal ids: they sort by creation time and are clean directory names.
 */
export const SESSION_ID_PATTERN = /^c-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function newSessionId(now: Date, randomHex: string): string {
  if (!/^[0-9a-f]{4}$/.test(randomHex)) throw new RangeError(`newSessionId: expected 4 hex digits, got ${JSON.stringify(randomHex)}`);
  const iso = now.toISOString();
  return `c-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomHex}`;
}
