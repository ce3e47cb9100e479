import type { Context } from 'hono';
import { isOmkError } from '../core/errors.js';

/** An OmkError as JSON with the HTTP status that fits its code; anything else is a 500 that says so. */
export function errorResponse(c: Context, error: unknown): Response {
  if (isOmkError(error)) {
    const status = error.code === 'not_found' ? 404 : error.code === 'usage' || error.code === 'config_invalid' ? 400 : error.code === 'store_busy' ? 503 : 409;
    return c.json({ error: { code: error.code, message: error.message, hint: error.hint ?? null } }, status);
  }
  const message = error instanceof Error ? error.message : String(error);
  return c.json({ error: { code: 'internal', message, hint: null } }, 500);
}
