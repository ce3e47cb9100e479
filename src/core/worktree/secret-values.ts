import { MIN_KNOWN_SECRET_LENGTH } from '../redact.js';

/**
 * The values in a dotenv-style file (`KEY=value`, `export KEY="value"`, `# comments`) long enough to
 * be worth redacting. Files omk copies into worktrees hold local configuration — credentials above all —
 * so every such value is treated as secret, whatever its name.
 */
export function secretValuesFromEnvText(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[1]!.trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    if (value.length >= MIN_KNOWN_SECRET_LENGTH) out.push(value);
  }
  return out;
}
