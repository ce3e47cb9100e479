// The project's test command (README, CI): type-check, lint, then the vitest suite.
// CI reads one plain closing line, `checks: N passed, N failed, N skipped`, where the
// type-check and lint count as one check each and every vitest test as one more.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, command, args) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  const ok = result.status === 0;
  process.stdout.write(`== ${name}: ${ok ? 'ok' : `failed (exit ${result.status ?? result.signal})`}\n`);
  return ok;
}

if (extraArgs.length === 0) {
  for (const [name, cmd, args] of [
    ['typecheck', 'npx', ['tsc', '--noEmit']],
    ['lint', 'npx', ['eslint', '.']],
  ]) {
    if (step(name, cmd, args)) passed += 1;
    else failed += 1;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'omk-test-report-'));
const report = path.join(dir, 'vitest.json');
const vitestOk = step('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...extraArgs,
]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  skipped += json.numPendingTests + (json.numTodoTests ?? 0);
  // A suite that failed to load has no tests to count; count it as a failure.
  if (!vitestOk && json.numFailedTests === 0) failed += Math.max(1, json.numFailedTestSuites ?? 1);
} catch {
  failed += 1;
  process.stdout.write('vitest produced no report\n');
}
rmSync(dir, { recursive: true, force: true });

process.stdout.write(`\nchecks: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 ? 1 : 0;
