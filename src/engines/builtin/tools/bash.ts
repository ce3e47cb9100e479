import { runProcess } from '../../../runtime/process/index.js';
import { capText, type ToolContext, type ToolOutcome } from './types.js';

/** Per-stream bytes kept from a command; the model sees at most MAX_TOOL_OUTPUT_CHARS of it. */
const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Runs a shell command in the session directory through omk's process wrapper: own process group,
 * allowlisted environment, stdin closed, timeout, output cap. Cancelling the turn stops the whole
 * tree. The result always names the exit code (or the signal or timeout).
 */
export async function bashTool(args: { command: string; timeout_ms?: number }, ctx: ToolContext): Promise<ToolOutcome> {
  const timeoutMs =
    args.timeout_ms !== undefined && args.timeout_ms > 0 ? Math.min(args.timeout_ms, ctx.bashTimeoutMs) : ctx.bashTimeoutMs;
  const launch = ctx.bashWrap ? ctx.bashWrap('/bin/sh', ['-c', args.command]) : undefined;
  const result = await runProcess({
    ...(launch ? { command: launch.command, args: launch.args } : { command: args.command, shell: true }),
    cwd: ctx.confinement.root,
    env: ctx.bashEnv,
    timeoutMs,
    signal: ctx.signal,
    maxOutputBytes: MAX_OUTPUT_BYTES,
  });
  const parts: string[] = [];
  if (result.spawnError) {
    parts.push(`could not start the command: ${result.spawnError.message}`);
  } else if (result.timedOut) {
    parts.push(`timed out after ${timeoutMs} ms; the command and its children were stopped`);
  } else if (result.canceled) {
    parts.push('cancelled; the command and its children were stopped');
  } else if (result.exitCode !== null) {
    parts.push(`exit code: ${result.exitCode}`);
  } else {
    parts.push(`killed by ${result.signal ?? 'a signal'}`);
  }
  const stdout = result.stdout + (result.stdoutTruncated ? `\n[stdout truncated: ${result.stdoutBytes} bytes in all]` : '');
  const stderr = result.stderr + (result.stderrTruncated ? `\n[stderr truncated: ${result.stderrBytes} bytes in all]` : '');
  if (stdout !== '') parts.push(`stdout:\n${stdout.replace(/\n$/, '')}`);
  if (stderr !== '') parts.push(`stderr:\n${stderr.replace(/\n$/, '')}`);
  if (stdout === '' && stderr === '') parts.push('(no output)');
  return { output: capText(parts.join('\n')), isError: result.exitCode !== 0 };
}
