import { askOnce, type AgentEvent } from '../../app/ask.js';
import { type CliContext, writeJson } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface AskOptions {
  engine?: string;
  json?: boolean;
  showThinking?: boolean;
}

/**
 * `omk ask "PROMPT"`: one read-only turn (approval mode `plan`; the builtin engine offers only its
 * read tools) in the repository root, or cwd outside a repository. The answer streams to stdout as
 * it arrives; tool calls and denials are one-line notes on stderr, thinking too with
 * `--show-thinking`; a usage/cost line ends stderr. Exit 0 on `end_turn`, 130 when cancelled
 * (Ctrl-C), 1 otherwise. `ask` has no goal, so nothing is written to the cost ledger (docs/cost.md).
 */
export async function askCommand(ctx: CliContext, prompt: string, opts: AskOptions = {}): Promise<number> {
  const answer = await askOnce(ctx, prompt, {
    ...(opts.engine !== undefined ? { engine: opts.engine } : {}),
    onEvent: (event) => {
      if (event.type === 'text_delta') {
        if (!opts.json) ctx.stdout.write(event.text);
      } else note(ctx, event, opts.showThinking === true);
    },
  });
  if (!answer.started) {
    ctx.stderr.write('omk: ask cancelled\n');
    return EXIT.interrupted;
  }
  const { json } = answer;
  if (!opts.json && json.text !== '' && !json.text.endsWith('\n')) ctx.stdout.write('\n');
  ctx.stderr.write(`${answer.usageLine}\n`);
  if (opts.json) writeJson(ctx, json);
  if (json.stop_reason === 'end_turn') return EXIT.ok;
  if (json.stop_reason === 'cancelled') {
    ctx.stderr.write('omk: ask cancelled\n');
    return EXIT.interrupted;
  }
  const why = json.error ? `: ${json.error.message}` : '';
  ctx.stderr.write(`omk: the ${json.engine} engine stopped with ${json.stop_reason}${why}\n`);
  return EXIT.failure;
}

function note(ctx: CliContext, event: AgentEvent, showThinking: boolean): void {
  switch (event.type) {
    case 'thinking_delta':
      if (showThinking) ctx.stderr.write(event.text);
      return;
    case 'tool_call_started':
      ctx.stderr.write(`· ${event.kind}: ${oneLine(event.command ?? event.title)}\n`);
      return;
    case 'approval_resolved':
      if (event.outcome === 'denied') {
        ctx.stderr.write(`· denied (read-only): ${oneLine(event.request.command ?? event.request.title ?? event.request.kind)}${event.rule ? ` [${event.rule}]` : ''}\n`);
      }
      return;
    case 'notice':
      if (event.level !== 'info') ctx.stderr.write(`· ${event.level}: ${oneLine(event.text)}\n`);
      return;
    default:
      return;
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
