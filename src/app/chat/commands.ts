import { describeRoute } from '../../core/chat/preflight.js';
import type { ChatEvent, Route } from '../../core/chat/types.js';
import { describeError, OmkError } from '../../core/errors.js';
import { goalService } from '../goal-service.js';
import { EventChannel } from './channel.js';
import { classify } from './request.js';
import type { SessionCore } from './session-core.js';
import { listSessions } from './session-files.js';

/** The slash commands, with the one line `/help` shows for each (the REPL completes from this list). */
export const SLASH_COMMANDS: ReadonlyArray<{ name: string; args: string; help: string; choices?: readonly string[] }> = [
  { name: 'help', args: '', help: 'this list' },
  { name: 'classify', args: 'TEXT', help: 'how the router would route TEXT (runs nothing)' },
  { name: 'quick', args: 'TEXT', help: 'TEXT as a small edit, without routing' },
  { name: 'escalate', args: 'TEXT', help: 'TEXT as a goal, without routing' },
  { name: 'goals', args: '', help: "this session's goals and their status" },
  { name: 'show', args: 'plan|proof|GOAL', help: 'the plan steps, the latest proof, or a goal', choices: ['plan', 'proof'] },
  { name: 'diff', args: '', help: 'the edit waiting for /approve or /reject' },
  { name: 'cost', args: '', help: "the session's spending and caps" },
  { name: 'pause', args: '[GOAL]', help: 'pause the latest (or that) goal' },
  { name: 'resume', args: '[GOAL]', help: 'resume the latest (or that) paused goal' },
  { name: 'cancel', args: '[GOAL]', help: 'stop the running request, else cancel the latest (or that) goal' },
  { name: 'approve', args: '[keep]', help: 'apply the waiting edit (keep: leave it on its branch); with no edit, accept the latest goal' },
  { name: 'reject', args: '[REASON]', help: 'drop the waiting edit; with no edit, reject the latest goal' },
  { name: 'sessions', args: '', help: 'chat sessions, latest first' },
  { name: 'new', args: '', help: 'start a new session (the surface opens it)' },
  { name: 'quit', args: '', help: 'leave (child goals keep running)' },
];

export interface CommandHost {
  core: SessionCore;
  send: (text: string, route: Route) => AsyncIterable<ChatEvent>;
  accept: (keep: boolean) => Promise<ChatEvent>;
  reject: () => Promise<ChatEvent>;
  cancel: () => Promise<void>;
  follow: (goalId: string) => void;
}

/** Runs one slash command line; its events end with an `info`, a `warning` or the request's `result`. */
export function runCommand(line: string, host: CommandHost): AsyncIterable<ChatEvent> {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  const name = match?.[1]?.toLowerCase() ?? '';
  const arg = match?.[2]?.trim() ?? '';
  if (name === 'quick' || name === 'escalate') {
    if (arg === '') return one({ type: 'info', lines: [`usage: /${name} TEXT`] });
    return host.send(arg, name === 'quick' ? 'small' : 'large');
  }
  const channel = new EventChannel<ChatEvent>();
  void (async () => {
    try {
      for (const event of await handle(name, arg, host)) {
        if (event.type === 'info' || event.type === 'warning') host.core.emit(event, channel);
        else channel.push(event);
      }
    } catch (error) {
      const message = error instanceof OmkError && error.hint ? `${error.message} (${error.hint})` : describeError(error);
      host.core.emit({ type: 'warning', message }, channel);
    } finally {
      channel.end();
    }
  })();
  return channel;
}

async function handle(name: string, arg: string, host: CommandHost): Promise<ChatEvent[]> {
  const { core } = host;
  const svc = goalService(core.ctx);
  const info = (...lines: string[]): ChatEvent[] => [{ type: 'info', lines }];
  const latestGoal = (): string => {
    const id = arg !== '' && !['keep'].includes(arg) ? arg : core.meta.goals.at(-1);
    if (id === undefined) throw new OmkError('not_found', 'this session has started no goal yet', { hint: 'a large request (or /escalate TEXT) starts one' });
    return id;
  };
  switch (name) {
    case 'help':
      return info(...SLASH_COMMANDS.map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''} — ${c.help}`));
    case 'classify': {
      if (arg === '') return info('usage: /classify TEXT');
      const d = await classify(core, arg, core.ctx.signal);
      return info(`route=${d.route} confidence=${d.confidence.toFixed(2)} source=${d.source} latency=${d.latency_ms}ms`, `reason: ${d.reason}`, `→ ${describeRoute(d.route)}`);
    }
    case 'goals': {
      if (core.meta.goals.length === 0) return info('no goals in this session yet');
      const lines: string[] = [];
      for (const id of core.meta.goals) {
        const view = await svc.status(id).catch(() => undefined);
        lines.push(view ? `${id}  ${view.status}  ${view.request.split('\n')[0]!.slice(0, 60)}` : `${id}  (not found in this repository)`);
      }
      return info(...lines);
    }
    case 'show': {
      if (arg === 'plan') {
        const plan = core.pane.plan;
        return plan.length === 0 ? info('no plan yet') : info(...plan.map((s) => `${s.state === 'done' ? '✓' : s.state === 'running' ? '▸' : s.state === 'failed' ? '✗' : '□'} ${s.id}  ${s.title}`));
      }
      if (arg === 'proof' || arg === '') {
        const proof = await svc.proof(latestGoal(), 'md');
        return info(...proof.text.trimEnd().split('\n'));
      }
      const view = await svc.status(arg);
      return info(`${view.goal_id}: ${view.status} (${view.phase})`, `request: ${view.request.split('\n')[0]}`, ...view.tasks.map((t) => `  ${t.id}  ${t.status}  ${t.title}`), ...(view.proof ? [`proof: ${view.proof.readiness}`] : []));
    }
    case 'diff': {
      const pending = core.pending;
      if (pending === null) return info('no edit is waiting');
      return info(`edit on ${pending.branch} for ${pending.target}: ${pending.files.join(', ')}`, `gates: ${pending.gates.length === 0 ? 'none' : pending.gates.map((g) => `${g.name} ${g.state}`).join(', ')}`, ...pending.diff.trimEnd().split('\n'));
    }
    case 'cost': {
      const c = core.meta.cost;
      const caps = [core.settings.softCapUsd === undefined ? 'no soft cap' : `soft cap $${core.settings.softCapUsd.toFixed(2)}`, core.settings.hardCapUsd === undefined ? 'no hard cap' : `hard cap $${core.settings.hardCapUsd.toFixed(2)}`];
      return info(`session ${core.id}: ${c.tokens_in} tokens in / ${c.tokens_out} out, $${c.usd.toFixed(4)}`, caps.join(', '));
    }
    case 'pause': {
      const id = latestGoal();
      await svc.pause(id, { reason: 'paused from the chat', by: `chat ${core.id}` });
      return info(`pause requested for ${id}`);
    }
    case 'resume': {
      const id = latestGoal();
      // The controller runs in this process from here on; its end arrives as a result event.
      void svc.resume(id, core.engine === undefined ? {} : { engine: core.engine }).catch((error: unknown) => core.emit({ type: 'warning', message: `resume of ${id} failed: ${describeError(error)}` }));
      host.follow(id);
      return info(`resuming ${id}`);
    }
    case 'cancel': {
      if (core.current && arg === '') {
        await host.cancel();
        return info('the running request was cancelled');
      }
      const id = latestGoal();
      await svc.cancel(id, { reason: 'cancelled from the chat', by: `chat ${core.id}` });
      return info(`cancel requested for ${id}`);
    }
    case 'approve':
      if (core.pending !== null) return [await host.accept(arg === 'keep')];
      await svc.decide(latestGoal(), 'accept', `approved in chat session ${core.id}`);
      return info(`accepted ${latestGoal()}`);
    case 'reject':
      if (core.pending !== null) return [await host.reject()];
      await svc.decide(core.meta.goals.at(-1) ?? latestGoal(), 'reject', arg === '' ? `rejected in chat session ${core.id}` : arg);
      return info(`rejected ${core.meta.goals.at(-1) ?? ''}`);
    case 'sessions': {
      const sessions = listSessions(core.ctx.paths.sessionsDir);
      if (sessions.length === 0) return info('no sessions');
      return info(...sessions.map((s) => `${s.id}${s.id === core.id ? ' (this one)' : ''}  ${s.last_activity ?? '?'}  ${s.requests} requests  ${s.project_root ?? ''}`));
    }
    case 'new':
      return info('a new session starts when the surface opens one (omk chat --new)');
    case 'quit':
      return info('bye');
    default:
      return info(`unknown command /${name}: /help lists them`);
  }
}

function one(event: ChatEvent): AsyncIterable<ChatEvent> {
  const channel = new EventChannel<ChatEvent>();
  channel.push(event);
  channel.end();
  return channel;
}
