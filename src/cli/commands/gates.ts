import { describeRun, gateBreakers, listGates, resetGate, runWorkingTreeGates, type GateEvidence } from '../../app/gates.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT } from '../exit-codes.js';

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

/** `omk gates list [--json]`: configured and detected gates, which of them run, and why each exists. */
export async function gatesListCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const listed = await listGates(ctx);
  const entries = listed.gates;
  if (opts.json) {
    writeJson(ctx, listed);
    return EXIT.ok;
  }
  if (entries.length === 0) {
    writeLine(ctx, 'no gates: none configured and none detected');
    writeLine(ctx, '  add one to .omk/config.toml, e.g. [gates.test] command = "npm test" (see docs/gates.md)');
    return EXIT.ok;
  }
  for (const e of entries) {
    const flags = [e.source, e.required ? 'required' : 'optional', `timeout ${seconds(e.timeout_ms)}`];
    if (e.cwd !== '.') flags.push(`cwd ${e.cwd}`);
    if (!e.active) flags.push('not used: configured gates take precedence');
    writeLine(ctx, `${e.active ? '*' : ' '} ${e.name}: ${e.command}`);
    writeLine(ctx, `    ${flags.join(', ')}`);
    writeLine(ctx, `    why: ${e.why}`);
  }
  return EXIT.ok;
}

/**
 * `omk gates run [NAME...] [--json] [--no-cache]`: runs gates on the current working tree (uncommitted
 * changes included). Exit 0 when every required gate passed, 1 otherwise.
 */
export async function gatesRunCommand(
  ctx: CliContext,
  names: string[],
  opts: { json?: boolean; cache?: boolean },
): Promise<number> {
  const result = await runWorkingTreeGates(ctx, names, {
    cache: opts.cache !== false,
    onRun: (run) => {
      if (!opts.json) printRun(ctx, run);
    },
  });
  const tree = { treeSha: result.tree_sha };
  if (opts.json) {
    writeJson(ctx, { tree_sha: tree.treeSha, passed: result.summary.passed, summary: result.summary, runs: result.runs, skipped: result.skipped });
  } else {
    const { summary } = result;
    const extra = [
      summary.cached > 0 ? `${summary.cached} cached` : '',
      summary.optional_failed.length > 0 ? `optional failed: ${summary.optional_failed.join(', ')}` : '',
      result.skipped.length > 0 ? `skipped: ${result.skipped.join(', ')}` : '',
    ].filter(Boolean);
    writeLine(
      ctx,
      `${summary.passed ? 'PASSED' : 'FAILED'}: ${summary.passed_count}/${summary.total} gates passed on tree ${tree.treeSha.slice(0, 12)}` +
        `${summary.failed.length > 0 ? `; failed: ${summary.failed.join(', ')}` : ''}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`,
    );
  }
  if (ctx.signal.aborted) return EXIT.interrupted;
  return result.summary.passed ? EXIT.ok : EXIT.failure;
}

function printRun(ctx: CliContext, run: GateEvidence): void {
  writeLine(ctx, describeRun(run));
  writeLine(ctx, `    ${run.result_path.replace(/result\.json$/, '')}`);
}

/** `omk gates status [--json]`: each gate's circuit breaker. */
export async function gatesStatusCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const report = await gateBreakers(ctx);
  const breakers = report.breakers;
  if (opts.json) {
    writeJson(ctx, report);
    return EXIT.ok;
  }
  if (breakers.length === 0) writeLine(ctx, 'no gates and no circuit breakers recorded');
  for (const b of breakers) {
    const parts = [`${b.state}`, `${b.consecutive_failures} consecutive infrastructure failure(s)`];
    if (b.retry_at) parts.push(`probe allowed from ${b.retry_at}`);
    writeLine(ctx, `${b.gate}: ${parts.join(', ')}`);
    if (b.last_reason) writeLine(ctx, `    last: ${b.last_reason}`);
  }
  return EXIT.ok;
}

/** `omk gates reset NAME`: closes a gate's circuit breaker. */
export async function gatesResetCommand(ctx: CliContext, name: string, opts: { json?: boolean }): Promise<number> {
  const result = await resetGate(ctx, name);
  if (opts.json) {
    writeJson(ctx, result);
  } else if (result.from === 'closed') {
    writeLine(ctx, `${name}: breaker already closed (failure count reset)`);
  } else {
    writeLine(ctx, `${name}: breaker ${result.from} -> closed`);
  }
  return EXIT.ok;
}
