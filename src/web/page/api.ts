/// <reference lib="dom" />
/** JSON over fetch, with the page's CSRF token on every change (the server refuses a change without it). */
const csrf = (): string => document.querySelector('meta[name="omk-csrf"]')?.getAttribute('content') ?? '';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly hint: string | null,
  ) {
    super(message);
  }
}

async function read<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(text.trim() || `HTTP ${res.status}`, res.status, null);
  }
  if (!res.ok) {
    const e = (body as { error?: { message?: string; hint?: string | null } }).error;
    throw new ApiError(e?.message ?? `HTTP ${res.status}`, res.status, e?.hint ?? null);
  }
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return read<T>(await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function postJson<T>(url: string, body: Record<string, unknown> = {}): Promise<T> {
  return read<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-omk-csrf': csrf() }, body: JSON.stringify(body), credentials: 'same-origin' }));
}
