/**
 * The normalised request: Unicode NFC, control and zero-width characters removed, every run of
 * whitespace (newlines included) collapsed to one space, trimmed. Case is kept; the original is
 * stored separately and never changed.
 */
export function normalizeRequest(request: string): string {
  return request
    .normalize('NFC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/**
 * How many words the request has, for the testability rule: space-separated tokens with a letter or digit;
 * scripts written without spaces (Chinese, Japanese, Korean) count one word per two characters.
 */
export function wordCount(normalized: string): number {
  let n = 0;
  for (const token of normalized.split(' ')) {
    const cjk = token.match(CJK)?.length ?? 0;
    if (cjk > 0) n += Math.max(1, Math.floor(cjk / 2));
    else if (/[\p{L}\p{N}]/u.test(token)) n += 1;
  }
  return n;
}
