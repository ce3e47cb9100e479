import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { spawnOmk, type Child } from '../runtime/goal/cli-child.js';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface DashboardChild {
  url: string;
  port: number;
  child: Child;
  stop(): Promise<void>;
}

/** `omk dashboard` as a real child process; resolves with the URL it prints. */
export async function startDashboardChild(cwd: string, env: Record<string, string | undefined>, port = 0): Promise<DashboardChild> {
  const child = spawnOmk(['dashboard', '--port', String(port)], cwd, env);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    void child.done.then((d) => reject(new Error(`omk dashboard exited (${String(d.code)}): ${d.stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stop: async () => {
      child.child.kill('SIGTERM');
      await child.done;
    },
  };
}

/** The only goal's id once its directory exists. */
export function onlyGoal(repoRoot: string): string | undefined {
  const dir = path.join(repoRoot, '.omk', 'goals');
  return existsSync(dir) ? readdirSync(dir)[0] : undefined;
}
