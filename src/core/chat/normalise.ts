/**
 * The router's view of a request: trimmed, lower-case, whitespace collapsed. Two requests that
 * differ only in spacing or case get the same decision (and the same cache entry).
 */
export function normalisePrompt(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Tokens of the request that look like file paths (`src/a.ts`, `README.md`, `lib/`): a slash or a
 * dot before an extension with a letter in it (so `1.5` is not a file). Used for the protected-path and many-files questions.
 */
export function pathTokens(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/[\s,;()`'"]+/)) {
    const token = raw.replace(/^[<[{]+|[>\]}.:!?]+$/g, '');
    if (token.length < 2 || /^https?:/.test(token)) continue;
    if (/^[\w.-]*\/[\w./-]*$/.test(token) || /^[\w-]+(\.[\w-]+)*\.(?=[a-z0-9]{0,5}[a-z])[a-z0-9]{1,6}$/i.test(token)) out.add(token);
  }
  return [...out];
}
