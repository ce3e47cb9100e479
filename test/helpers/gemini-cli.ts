import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real Gemini CLI, installed apart in tools/gemini-cli (docs/engines.md); it runs on the system Node. */
export const GEMINI_JS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'tools',
  'gemini-cli',
  'node_modules',
  '@google',
  'gemini-cli',
  'bundle',
  'gemini.js',
);

export const geminiCliInstalled = existsSync(GEMINI_JS);

/**
 * Makes `dir` (a fresh temp dir when omitted) a Gemini CLI home (`GEMINI_CLI_HOME`) whose settings turn
 * usage statistics off, so the CLI contacts nothing but the scripted Gemini API server.
 */
export function geminiHome(dir?: string): string {
  const home = dir ?? realpathSync(mkdtempSync(path.join(tmpdir(), 'omk-gemini-home-')));
  mkdirSync(path.join(home, '.gemini'), { recursive: true });
  writeFileSync(path.join(home, '.gemini', 'settings.json'), `${JSON.stringify({ privacy: { usageStatisticsEnabled: false } })}\n`);
  return home;
}
