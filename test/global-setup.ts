import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Tests that run the built CLI need dist/; `npm test` builds first, a bare `vitest run` may not have.
export function setup(): void {
  const root = path.resolve(__dirname, '..');
  if (!existsSync(path.join(root, 'dist', 'meta.json'))) {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
}
