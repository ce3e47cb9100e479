import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FAKE_ACP = path.join(ROOT, 'test', 'fixtures', 'agents', 'fake-acp-agent.mjs');
export const FAKE_WIRE = path.join(ROOT, 'test', 'fixtures', 'agents', 'fake-wire-agent.mjs');

/** A TOML value: JSON strings and arrays of strings are valid TOML. */
const toml = (v: string | string[]): string => JSON.stringify(v);

export interface EngineTable {
  protocol?: 'acp' | 'wire' | 'openai';
  command?: string;
  args?: string[];
  model?: string;
  base_url?: string;
  api_key_env?: string;
  pricing?: Record<string, number>;
}

/** A temp HOME with a user config, a git repo, an aux dir for scenarios and logs. */
export interface Sandbox {
  root: string;
  home: string;
  repo: string;
  aux: string;
  userConfig: string;
  env: Record<string, string>;
  /** Writes `[engines.NAME]` tables (and optional extra TOML) to the user config. */
  config(engines: Record<string, EngineTable>, extra?: string): void;
  scenario(content: unknown): string;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'omk-registry-')));
  const home = path.join(root, 'home');
  const repo = path.join(root, 'repo');
  const aux = path.join(root, 'aux');
  for (const d of [home, repo, aux]) mkdirSync(d);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(path.join(repo, 'README.md'), '# sandbox\n');
  const userConfig = path.join(home, '.config', 'omk', 'config.toml');
  mkdirSync(path.dirname(userConfig), { recursive: true });
  let n = 0;
  return {
    root,
    home,
    repo,
    aux,
    userConfig,
    // No kimi, codex, claude or gemini on this PATH: only node's directory and the system's.
    env: { HOME: home, PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` },
    config(engines, extra = '') {
      const lines: string[] = [];
      for (const [name, t] of Object.entries(engines)) {
        lines.push(`[engines.${JSON.stringify(name)}]`);
        for (const [k, v] of Object.entries(t)) {
          if (k === 'pricing') lines.push(`pricing = { ${Object.entries(v as Record<string, number>).map(([pk, pv]) => `${pk} = ${pv}`).join(', ')} }`);
          else lines.push(`${k} = ${toml(v as string | string[])}`);
        }
        lines.push('');
      }
      writeFileSync(userConfig, `${lines.join('\n')}\n${extra}`);
    },
    scenario(content) {
      const file = path.join(aux, `scenario-${n++}.json`);
      writeFileSync(file, JSON.stringify(content));
      return file;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The pids a fake agent's `--log` file recorded. */
export function loggedPids(logFile: string): number[] {
  const pids = new Set<number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const pid = (JSON.parse(line) as { pid?: unknown }).pid;
      if (typeof pid === 'number') pids.add(pid);
    } catch {
      // a torn last line
    }
  }
  return [...pids];
}
