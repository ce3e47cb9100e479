/** `3s ago`, `5m ago`, `never`: an age against `now`, for humans (status, watch, the engine pane). */
export function ageText(iso: string | null, now: Date): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}
