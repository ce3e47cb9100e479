import type { Context, Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import type { GoalFeed } from '../app/feed.js';
import { goalService } from '../app/goal-service.js';
import type { GoalView } from '../app/goals/read.js';
import { OmkError } from '../core/errors.js';
import { errorResponse } from './api-error.js';
import { renderMetrics } from './metrics.js';
import { goalStream } from './stream.js';

/** What the routes share with the server: the context, the feed (opened on first use), open streams. */
export interface RouteDeps {
  ctx: AppContext;
  feed: () => Promise<GoalFeed>;
  streams: Set<AbortController>;
  /** Who the controls act for in the events they record. */
  by: string;
}

/** One row of the goals list: the list's row plus what the goal's view says. */
export interface GoalRow {
  goal_id: string;
  status: string;
  phase: string;
  request: string;
  type: string | null;
  created_at: string;
  updated_at: string;
  needs_resume: boolean;
  agents: number;
  tasks: { total: number; done: number };
  cost: { usd: number; tokens: number };
  verdict: { status: string; readiness: string } | null;
}

async function allViews(deps: RouteDeps): Promise<{ rows: GoalRow[]; views: GoalView[] }> {
  const svc = goalService(deps.ctx);
  const list = await svc.list().catch((error: unknown) => {
    if (error instanceof OmkError && error.code === 'not_found') return { goals: [] };
    throw error;
  });
  const views = await Promise.all(list.goals.map((g) => svc.status(g.goal_id)));
  const rows = list.goals.map((g, i): GoalRow => {
    const v = views[i]!;
    return {
      goal_id: g.goal_id,
      status: g.status,
      phase: v.phase,
      request: g.request,
      type: v.type,
      created_at: g.created_at,
      updated_at: g.updated_at,
      needs_resume: g.needs_resume,
      agents: v.workers.length,
      tasks: { total: v.tasks.length, done: v.tasks.filter((t) => t.status === 'done').length },
      cost: { usd: v.cost.usd, tokens: v.cost.tokens_in + v.cost.tokens_out },
      verdict: v.proof ? { status: v.proof.status, readiness: v.proof.readiness } : null,
    };
  });
  return { rows, views };
}

/** The JSON API under /api, the goal streams and /metrics. Every control goes through the goal service and is recorded as its event. */
export function mountRoutes(app: Hono, deps: RouteDeps): void {
  const svc = goalService(deps.ctx);
  const guarded = (fn: (c: Context) => Promise<Response>) => async (c: Context): Promise<Response> => {
    try {
      return await fn(c);
    } catch (error) {
      return errorResponse(c, error);
    }
  };

  app.get('/api/goals', guarded(async (c) => c.json({ goals: (await allViews(deps)).rows })));
  app.get('/api/goals/:id', guarded(async (c) => c.json(await svc.show(param(c, 'id')))));
  app.get('/api/goals/:id/cost', guarded(async (c) => c.json(await svc.costSeries(param(c, 'id')))));
  app.get('/api/goals/:id/gates/:run', guarded(async (c) => c.json(await svc.gateRun(param(c, 'id'), param(c, 'run')))));
  app.get('/api/goals/:id/diff', guarded(async (c) => c.json(await svc.diff(param(c, 'id'), c.req.query('task') || undefined))));
  app.get('/api/goals/:id/proof', guarded(async (c) => {
    const id = param(c, 'id');
    const [md, verify] = await Promise.all([svc.proof(id, 'md'), svc.verify(id)]);
    return c.json({ goal_id: md.goal_id, markdown: md.text, verify });
  }));
  app.get('/api/goals/:id/stream', guarded(async (c) => {
    // Resolve first: an unknown goal is a 404, not an empty stream.
    const goal = await svc.status(param(c, 'id'));
    return goalStream(c, await deps.feed(), goal.goal_id, deps.streams);
  }));

  app.post('/api/goals/:id/pause', guarded(async (c) => c.json(await svc.pause(param(c, 'id'), { by: deps.by, ...(await reason(c)) }))));
  app.post('/api/goals/:id/cancel', guarded(async (c) => c.json(await svc.cancel(param(c, 'id'), { by: deps.by, ...(await reason(c)) }))));
  app.post('/api/goals/:id/resume', guarded(async (c) => c.json(await svc.resumeDetached(param(c, 'id')), 202)));
  for (const kind of ['accept', 'reject'] as const) {
    app.post(`/api/goals/:id/${kind}`, guarded(async (c) => {
      const body = await jsonBody(c);
      const summary = typeof body.summary === 'string' ? body.summary.trim() : '';
      if (summary === '') throw new OmkError('usage', `${kind} needs a summary: what you checked and why`, { hint: 'type a sentence in the summary field' });
      return c.json(await svc.decide(param(c, 'id'), kind, summary));
    }));
  }
  app.post('/api/goals/:id/budget-add', guarded(async (c) => {
    const body = await jsonBody(c);
    const pick = (k: string): string | undefined => (typeof body[k] === 'string' && body[k].trim() !== '' ? body[k].trim() : undefined);
    const add = { time: pick('time'), tokens: pick('tokens'), usd: pick('usd') };
    if (add.time === undefined && add.tokens === undefined && add.usd === undefined) throw new OmkError('usage', 'budget-add needs at least one of time, tokens, usd', { hint: 'e.g. tokens 500k or usd 2.50' });
    const id = param(c, 'id');
    const added = await svc.budgetAdd(id, Object.fromEntries(Object.entries(add).filter(([, v]) => v !== undefined)), { resume: false });
    // A goal stopped for budget goes on in its own process, as `budget-add` would resume it.
    const status = 'status' in added ? added.status : '';
    const resumed = status === 'needs_more_budget' ? await svc.resumeDetached(id) : null;
    return c.json({ ...added, resumed_by: resumed });
  }));

  app.get('/metrics', guarded(async (c) => {
    const { views } = await allViews(deps);
    return c.body(renderMetrics(deps.ctx.paths.repoRoot ?? deps.ctx.cwd, views), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  }));
}

/** A route parameter (always present on the routes that name it). */
function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}

async function jsonBody(c: { req: { json: () => Promise<unknown> } }): Promise<Record<string, unknown>> {
  const body = await c.req.json().catch(() => {
    throw new OmkError('usage', 'the request body is not JSON');
  });
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new OmkError('usage', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

async function reason(c: { req: { json: () => Promise<unknown> } }): Promise<{ reason?: string }> {
  const body = await jsonBody(c);
  return typeof body.reason === 'string' && body.reason.trim() !== '' ? { reason: body.reason.trim() } : {};
}
