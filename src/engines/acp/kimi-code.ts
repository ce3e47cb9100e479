import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TokenUsage } from '../session.js';
import { addUsage, zeroUsage } from '../session.js';
import type { UsageReader } from './options.js';

/** How to install the Kimi Code CLI, for `binary_missing` errors. */
export const KIMI_CODE_INSTALL_HINT =
  'Install the Kimi Code CLI with `npm i -g @moonshot-ai/kimi-code` (it needs Node ≥ 22.19), or set [engines.kimi].command to its path.';

export interface KimiCodeLaunchOptions {
  /**
   * A Node ≥ 22.19 binary and kimi-code's `dist/main.mjs`, to run the CLI without its npm shim (tests
   * use tools/kimi-code). Without them the `kimi` binary on PATH is used.
   */
  node?: string;
  mainMjs?: string;
  /** @default 'kimi' */
  command?: string;
}

export interface KimiCodeLaunch {
  command: string;
  args: string[];
  /** Variables passed through: the `KIMI_*` family (KIMI_CODE_HOME, KIMI_MODEL_*, KIMI_DISABLE_TELEMETRY). */
  passEnv: string[];
  installHint: string;
}

/** How to start `kimi acp` (Kimi Code CLI v2) as an ACP engine. See reference/protocols.md §2. */
export function kimiCodeLaunch(options: KimiCodeLaunchOptions = {}): KimiCodeLaunch {
  const base = { passEnv: ['KIMI_*'], installHint: KIMI_CODE_INSTALL_HINT };
  if (options.node && options.mainMjs) return { command: options.node, args: [options.mainMjs, 'acp'], ...base };
  return { command: options.command ?? 'kimi', args: ['acp'], ...base };
}

/**
 * Exact per-turn usage for kimi-code, read from its own session log
 * (`$KIMI_CODE_HOME/sessions/<wd>/<sessionId>/agents/main/wire.jsonl`, `usage.record` lines with
 * `usageScope: "turn"`). ACP itself reports only the context size. Returns the records added since the
 * previous call for the same session, or undefined when there are none (the adapter then estimates).
 */
export function kimiCodeUsageReader(kimiCodeHome: string): UsageReader {
  const seen = new Map<string, number>();
  return async ({ sessionId }) => {
    const file = await findWireLog(kimiCodeHome, sessionId);
    if (!file) return undefined;
    const records = parseUsageRecords(await readFile(file, 'utf8'));
    const from = seen.get(sessionId) ?? 0;
    if (records.length <= from) return undefined;
    seen.set(sessionId, records.length);
    return records.slice(from).reduce(addUsage, zeroUsage(true));
  };
}

/** `usage.record` lines of turn scope, in order; torn or foreign lines are skipped. */
export function parseUsageRecords(text: string): TokenUsage[] {
  const out: TokenUsage[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('usage.record')) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    const r = record as { type?: unknown; usageScope?: unknown; usage?: Record<string, unknown> };
    if (r.type !== 'usage.record' || (r.usageScope !== undefined && r.usageScope !== 'turn') || typeof r.usage !== 'object' || r.usage === null) continue;
    const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    out.push({
      input: n(r.usage.inputOther),
      output: n(r.usage.output),
      cacheRead: n(r.usage.inputCacheRead),
      cacheWrite: n(r.usage.inputCacheCreation),
      exact: true,
    });
  }
  return out;
}

async function findWireLog(home: string, sessionId: string): Promise<string | undefined> {
  const sessions = path.join(home, 'sessions');
  let dirs: string[];
  try {
    dirs = await readdir(sessions);
  } catch {
    return undefined;
  }
  for (const dir of dirs) {
    const file = path.join(sessions, dir, sessionId, 'agents', 'main', 'wire.jsonl');
    try {
      await access(file);
      return file;
    } catch {
      // not in this work-dir bucket
    }
  }
  return undefined;
}
