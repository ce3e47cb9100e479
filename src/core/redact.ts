/**
 * Redaction of known secret shapes. Applied to anything that leaves omk's memory
 * for a log, transcript, artifact or proof. Patterns err on the side of redacting.
 */
const PATTERNS: ReadonlyArray<RegExp> = [
  // To the END line, or to the end of the text when output was cut off inside the key.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}/g, // OpenAI, Moonshot, Anthropic style
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bxox[abeprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bxapp-\d-[A-Za-z0-9-]{10,}/g, // Slack app-level token
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, // JWT (header.payload.signature)
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\b(Bearer)\s+[A-Za-z0-9._~+/-]{16,}=*/g,
  // base64 of user:password; mixed case or digits, so prose ("Basic authentication/authorization") stays.
  /\b(Basic)\s+(?=[A-Za-z0-9+/]*[A-Z0-9])(?=[A-Za-z0-9+/]*[a-z])[A-Za-z0-9+/]{16,}={0,2}/g,
];

/** `scheme://user:password@host`: the password goes, the user and host stay. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]+:)([^\s/?#@]+)@/gi;

/** Assignments such as `API_KEY=…` or `"token": "…"`; the name stays, the value goes. */
const ASSIGNMENT =
  /\b([A-Za-z0-9_]*(?:API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL)[A-Za-z0-9_]*)(["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi;

export const REDACTED = '[REDACTED]';

/**
 * Values this process knows to be secret although they have no known shape: the values of files omk
 * copies into worktrees (`.omk/worktree-include`, e.g. `.env`). Registered once they are read; every
 * later redaction removes them wherever they appear. Shorter values are not registered (too many false hits).
 */
const knownValues = new Set<string>();
export const MIN_KNOWN_SECRET_LENGTH = 8;

export function registerSecretValues(values: Iterable<string>): void {
  for (const v of values) if (v.length >= MIN_KNOWN_SECRET_LENGTH) knownValues.add(v);
}

/** The registered values, longest first (so a value containing another is removed whole). */
export function knownSecretValues(): string[] {
  return [...knownValues].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string): string {
  let out = text;
  if (knownValues.size > 0) for (const v of knownSecretValues()) if (out.includes(v)) out = out.split(v).join(REDACTED);
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match: string, scheme?: string) =>
      scheme === 'Bearer' || scheme === 'Basic' ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  out = out.replace(URL_PASSWORD, (_m, head: string) => `${head}${REDACTED}@`);
  return out.replace(ASSIGNMENT, (_m, name: string, sep: string, value: string) => {
    // The value alone may come back later (a model repeating "the key is …"): remember it.
    if (LEARNABLE.test(value)) knownValues.add(value);
    return `${name}${sep}${REDACTED}`;
  });
}

/** An assigned value that looks generated (letters and digits, 12+ characters), not code such as `config.env.TOKEN`. */
const LEARNABLE = /^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_+/=-]{12,}$/;

/** Redacts every string inside a JSON-like value, returning a new value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    // As JSON sees them: a Date becomes its ISO string rather than an empty object.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redactDeep(toJSON.call(value) as unknown) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // defineProperty, not assignment: a "__proto__" key (JSON.parse makes it an own property)
      // must stay data, not become the copy's prototype and vanish from the payload.
      Object.defineProperty(out, k, { value: redactDeep(v), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}
