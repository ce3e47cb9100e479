import type { ChatEvent, ChatOutcome, ChatSession, OpenChatOptions } from '../../app/chat/index.js';
import { OmkError } from '../../core/errors.js';
import { type CliContext } from '../context.js';
import { EXIT, exitForStatus, type ExitStatus } from '../exit-codes.js';

export interface ChatOptions {
  session?: string;
  new?: boolean;
  engine?: string;
  print?: string;
  json?: boolean;
  yes?: boolean;
}

/**
 * `omk chat`: on a terminal, the Ink REPL (src/tui/chat/, loaded only then); with `--print` or piped
 * input, the same session run plainly — one request per input line (a line ending in `\` goes on),
 * slash commands included. Answers and diffs go to stdout, routing and progress to stderr; `--json`
 * prints JSON lines (docs/chat.md "Without a terminal"). The exit status is the last unsuccessful
 * request's (docs/exit-codes.md "omk chat"), else 0.
 */
export async function chatCommand(ctx: CliContext, opts: ChatOptions): Promise<number> {
  const stdin = ctx.stdin ?? process.stdin;
  const open: OpenChatOptions = {
    ...(opts.session === undefined ? {} : { session: opts.session }),
    ...(opts.new === true ? { new: true } : {}),
    ...(opts.engine === undefined ? {} : { engine: opts.engine }),
  };
  if (opts.print === undefined && stdin.isTTY === true && ctx.isTTY) return runTui(ctx, open);

  const { openChat } = await import('../../app/chat/index.js');
  const session = await openChat(ctx, { ...open, autoAnswer: opts.yes === true ? 'accept' : 'default' });
  let status: ExitStatus = EXIT.ok;
  try {
    if (!opts.json) {
      const history = session.history();
      ctx.stderr.write(`omk: chat session ${session.id}${history.length > 0 ? ` (resumed: ${history.length} earlier messages)` : ''}\n`);
      for (const entry of history.slice(-6)) ctx.stderr.write(`  ${entry.role}: ${entry.text.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    } else ctx.stdout.write(`${JSON.stringify({ type: 'session', id: session.id, dir: session.dir, resumed: session.history().length > 0 })}\n`);
    const requests = opts.print !== undefined ? [opts.print] : await readRequests(stdin);
    if (requests.length === 0) throw new OmkError('usage', 'omk chat: no request (nothing on stdin)', { hint: 'omk chat --print "what does this repo do?", or echo "…" | omk chat' });
    for (const text of requests) {
      if (ctx.signal.aborted) break;
      const s = await runOne(ctx, session, text, opts);
      if (s !== EXIT.ok) status = s;
    }
  } finally {
    await session.close();
  }
  if (ctx.signal.aborted) return EXIT.interrupted;
  return status;
}

async function runTui(ctx: CliContext, open: OpenChatOptions): Promise<number> {
  // The Ink REPL's entry (RunChatTui in src/app/chat/types.ts): its own chunk, loaded only here.
  const tui = await import('../../tui/chat/main.js');
  return tui.runChatTui(ctx, open);
}

async function readRequests(stdin: NodeJS.ReadableStream): Promise<string[]> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : (chunk).toString('utf8');
  const out: string[] = [];
  let carry = '';
  for (const line of text.split('\n')) {
    if (line.endsWith('\\')) {
      carry += `${line.slice(0, -1)}\n`;
      continue;
    }
    const full = (carry + line).trim();
    carry = '';
    if (full !== '') out.push(full);
  }
  if (carry.trim() !== '') out.push(carry.trim());
  return out;
}

async function runOne(ctx: CliContext, session: ChatSession, text: string, opts: ChatOptions): Promise<ExitStatus> {
  const events = text.startsWith('/') ? session.command(text) : session.send(text);
  let outcome: ChatOutcome | undefined;
  let printedText = false;
  for await (const event of events) {
    if (opts.json) printJson(ctx, event);
    else if (printPlain(ctx, event)) printedText = true;
    if (event.type === 'result') outcome = event.outcome;
  }
  if (printedText && !opts.json) ctx.stdout.write('\n');
  if (outcome === undefined) return EXIT.ok;
  if (outcome.kind === 'diff_ready') {
    // Without a terminal nothing is applied unless --yes said so, and never an edit whose gates failed.
    const apply = opts.yes === true && outcome.diff.gates_ok;
    const resolved = await session.accept({ keep: !apply });
    if (opts.json) printJson(ctx, resolved);
    else printPlain(ctx, resolved);
    if (resolved.type !== 'diff_resolved') return EXIT.failure;
    if (resolved.resolution === 'applied') return EXIT.ok;
    return outcome.diff.gates_ok ? EXIT.blocked : EXIT.failure;
  }
  return exitFor(ctx, outcome);
}

function exitFor(ctx: CliContext, outcome: ChatOutcome): ExitStatus {
  switch (outcome.kind) {
    case 'answered':
    case 'diff_ready':
      return EXIT.ok;
    case 'no_change':
    case 'failed':
      return EXIT.failure;
    case 'goal':
      return exitForStatus(outcome.status);
    case 'refused':
      return outcome.reason.startsWith('hard cost cap') ? EXIT.needsBudget : EXIT.failure;
    case 'cancelled':
      // Interrupted by the user, or a question nobody could answer (rerun with --yes to accept it).
      return ctx.signal.aborted ? EXIT.interrupted : EXIT.blocked;
  }
}

function printJson(ctx: CliContext, event: ChatEvent): void {
  switch (event.type) {
    case 'route':
      ctx.stdout.write(`${JSON.stringify({ type: 'route', ...event.decision })}\n`);
      return;
    case 'result':
    case 'diff_resolved':
    case 'goal_created':
    case 'proof_ready':
    case 'approval_needed':
    case 'approval_answered':
    case 'warning':
    case 'info':
      ctx.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    default:
      return;
  }
}

/** Plain output; true when answer text went to stdout (so a newline ends it). */
function printPlain(ctx: CliContext, event: ChatEvent): boolean {
  const err = (line: string) => ctx.stderr.write(`${line}\n`);
  switch (event.type) {
    case 'route': {
      const d = event.decision;
      err(`omk: route ${d.route} (confidence ${d.confidence.toFixed(2)}, ${d.source}, ${d.latency_ms} ms): ${d.reason}`);
      return false;
    }
    case 'proceeding':
      err(`omk: ${event.message}`);
      return false;
    case 'approval_needed':
      err(`omk: question: ${event.request.question} [${event.request.options.join('/')}]`);
      return false;
    case 'approval_answered':
      err(`omk: answered ${event.answer}${event.timed_out ? ' (no answer in time: the default)' : ''}`);
      return false;
    case 'text':
      ctx.stdout.write(event.text);
      return true;
    case 'activity':
      err(`· ${event.line}`);
      return false;
    case 'gate':
      err(`· gate ${event.gate.name}: ${event.gate.state}`);
      return false;
    case 'diff_ready':
      ctx.stdout.write(event.diff.diff.endsWith('\n') || event.diff.diff === '' ? event.diff.diff : `${event.diff.diff}\n`);
      err(`omk: edit ready on ${event.diff.branch}: ${event.diff.files.join(', ')}; gates: ${event.diff.gates.length === 0 ? 'none' : event.diff.gates.map((g) => `${g.name} ${g.state}`).join(', ')}`);
      return false;
    case 'diff_resolved':
      if (event.resolution === 'applied') err(`omk: edit applied (${(event.commit ?? '').slice(0, 12)})`);
      else if (event.resolution === 'kept') err(`omk: edit kept on branch ${event.branch}, not applied (apply it with: git merge ${event.branch}; or rerun with --yes)`);
      else err('omk: edit rejected');
      return false;
    case 'goal_created':
      err(`omk: goal ${event.goal_id} started (omk goal watch ${event.goal_id})`);
      return false;
    case 'goal_event':
      err(`· ${event.goal_id} ${event.summary}`);
      return false;
    case 'proof_ready':
      err(`omk: proof ready: ${event.path} (${event.status})`);
      return false;
    case 'warning':
      err(`omk: warning: ${event.message}`);
      return false;
    case 'info':
      for (const line of event.lines) ctx.stdout.write(`${line}\n`);
      return false;
    case 'result':
      printResult(ctx, event.outcome);
      return false;
    default:
      return false;
  }
}

function printResult(ctx: CliContext, outcome: ChatOutcome): void {
  const err = (line: string) => ctx.stderr.write(`${line}\n`);
  switch (outcome.kind) {
    case 'answered':
    case 'diff_ready':
      return;
    case 'no_change':
      err(`omk: no change: ${outcome.text}`);
      return;
    case 'goal':
      ctx.stdout.write(`goal ${outcome.goal_id}: ${outcome.status}${outcome.proof ? ` — proof ${outcome.proof}` : ''}\n`);
      return;
    case 'refused':
      err(`omk: refused: ${outcome.reason}`);
      err(`  fix: ${outcome.fix}`);
      return;
    case 'cancelled':
      err(`omk: cancelled: ${outcome.reason}`);
      return;
    case 'failed':
      err(`omk: failed: ${outcome.reason}`);
      return;
  }
}
