import { addedLines, type ReviewFile } from './diff.js';
import { finding, isGenerated, type CheckResult, type Finding } from './finding.js';

/**
 * Secret scan over added lines. Findings name the file, line and kind of secret only: the
 * value never appears in a message (nor a prefix of it), so the review wall can be written
 * to disk and shown as is.
 */
const TOKEN_RULES: ReadonlyArray<{ rule: string; label: string; re: RegExp }> = [
  { rule: 'private_key', label: 'private key block', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { rule: 'aws_access_key', label: 'AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: 'github_token', label: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/ },
  { rule: 'slack_token', label: 'Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { rule: 'stripe_key', label: 'Stripe live key', re: /\b[rs]k_live_[A-Za-z0-9]{16,}/ },
  { rule: 'api_key_sk', label: 'API secret key (sk-…)', re: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/ },
  { rule: 'google_api_key', label: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: 'jwt', label: 'JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  { rule: 'url_credentials', label: 'password in a URL', re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:[^\s/@'"]{6,}@[^\s'"]+/i },
];

/** `api_key = "…"`, `"client_secret": "…"`, `PASSWORD='…'`: a secret-like name given a literal. */
const NAMED_ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:api[_-]?key|secret|token|passw(?:or)?d|pwd|credential|private[_-]?key|access[_-]?key|auth)[A-Za-z0-9_-]*)["']?\s*(?::|=|:=|=>)\s*(["'`])([^"'`\s]{8,})\2/gi;

/** Any long string literal (for the high-entropy rule). */
const STRING_LITERAL = /(["'`])([A-Za-z0-9+/=_\-.]{32,})\1/g;

const PLACEHOLDER =
  /^(?:x+|X+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%\([^)]*\)s|changeme|change[-_]me|example\S*|dummy\S*|test\S*|fake\S*|placeholder\S*|your[-_]\S*|redacted|\[REDACTED\]|none|null|undefined|todo)$/i;

const CREDENTIAL_FILE =
  /(^|\/)(?:\.env(?:\.(?!example$|sample$|template$|dist$)[^/]+)?|id_(?:rsa|dsa|ecdsa|ed25519)|\.netrc|\.pgpass|credentials(?:\.json)?|[^/]+\.(?:pem|key|p12|pfx|jks|keystore))$/;

export interface SecretScanOptions {
  /** Minimum Shannon entropy (bits per character) for an anonymous literal to count. @default 4.5 */
  entropyThreshold?: number;
  /** Values known to be secret (from files omk copied into the worktrees); an added line holding one fails. */
  knownSecrets?: readonly string[];
}

export function scanSecrets(files: readonly ReviewFile[], options: SecretScanOptions = {}): CheckResult {
  const threshold = options.entropyThreshold ?? 4.5;
  const findings: Finding[] = [];
  let scanned = 0;
  let scannedFiles = 0;
  for (const file of files) {
    if (file.status === 'deleted') continue;
    if (file.status === 'added' && CREDENTIAL_FILE.test(file.path)) {
      findings.push(finding('secret_scan', 'fail', 'credential_file', file.path, null, 'a credential-like file was added'));
    }
    if (isGenerated(file.path) || file.binary) continue;
    const lines = addedLines(file);
    if (lines.length > 0) scannedFiles += 1;
    for (const { line, text } of lines) {
      scanned += 1;
      if (options.knownSecrets?.some((v) => text.includes(v))) {
        findings.push(finding('secret_scan', 'fail', 'known_secret', file.path, line, 'a value from a local file omk copied into the worktree (.omk/worktree-include) was added'));
        continue;
      }
      const hit = scanLine(text, threshold);
      if (hit) findings.push(finding('secret_scan', hit.severity, hit.rule, file.path, line, hit.label));
    }
  }
  return {
    check: 'secret_scan',
    findings,
    evidence: `secret scan: ${scanned} added lines in ${scannedFiles} files, ${findings.length} findings`,
  };
}

interface LineHit {
  rule: string;
  label: string;
  severity: 'warn' | 'fail';
}

/** The most specific finding for one line, or null. Exported for tests. */
export function scanLine(text: string, entropyThreshold = 4.5): LineHit | null {
  for (const r of TOKEN_RULES) if (r.re.test(text)) return { rule: r.rule, label: `${r.label} added`, severity: 'fail' };
  for (const m of text.matchAll(NAMED_ASSIGNMENT)) {
    const value = m[3]!;
    if (isPlaceholder(value)) continue;
    if (value.length >= 12 && shannonEntropy(value) >= 3) {
      return { rule: 'secret_assignment', label: `a literal secret is assigned to \`${m[1]}\``, severity: 'fail' };
    }
  }
  for (const m of text.matchAll(STRING_LITERAL)) {
    const value = m[2]!;
    if (isPlaceholder(value) || /^[0-9a-f]+$/i.test(value) || /^[A-Za-z]+$/.test(value)) continue;
    if (/^sha(?:1|256|384|512)-/.test(value)) continue; // subresource integrity
    if (hasMixedClasses(value) && shannonEntropy(value) >= entropyThreshold) {
      return { rule: 'high_entropy_literal', label: `a high-entropy string literal (${value.length} chars) was added`, severity: 'warn' };
    }
  }
  return null;
}

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || /process\.env|os\.environ|getenv|\$\(/.test(value);
}

function hasMixedClasses(value: string): boolean {
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
}

/** Bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}
