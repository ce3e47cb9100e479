/**
 * Literal credentials do not belong in config files, which get committed and shared. Engines name the
 * variable that holds a key (`api_key_env`); the key itself stays in the environment.
 */
import { urlOrigin } from '../notify/settings.js';
import { REDACTED, redactSecrets } from '../redact.js';

const KEY_SHAPES: ReadonlyArray<RegExp> = [
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}/, // OpenAI, Moonshot, Anthropic style
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** Whether a string contains something shaped like an API key or private key. */
export function looksLikeSecret(value: string): boolean {
  return KEY_SHAPES.some((shape) => shape.test(value));
}

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

/**
 * The value as `omk config show` prints it. Entries of `env` tables whose name suggests a secret are
 * hidden whole; every other string goes through the general redaction.
 */
export function redactConfigValue(path: readonly string[], value: unknown): unknown {
  const inEnvTable = path.length >= 4 && (path[0] === 'engines' || path[0] === 'gates') && path[2] === 'env';
  if (inEnvTable && typeof value === 'string' && SECRET_NAME.test(path[3] ?? '')) return REDACTED;
  // A Slack or Discord webhook URL is its own credential: only where it points is shown.
  if (path[0] === 'notify' && path[1] === 'targets' && path[3] === 'url' && typeof value === 'string') return `${urlOrigin(value)}/${REDACTED}`;
  if (typeof value === 'string') return looksLikeSecret(value) ? REDACTED : redactSecrets(value);
  if (Array.isArray(value)) return value.map((v: unknown, i) => redactConfigValue([...path, String(i)], v));
  return value;
}
