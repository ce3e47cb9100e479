import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AppContext } from '../app/context.js';
import { goalService } from '../app/goal-service.js';
import { OmkError } from '../core/errors.js';
import { isVerdict } from '../core/goal/status.js';

/** `omk://goals/{goal_id}/{proof.json|proof.md|timeline}` (docs/mcp.md). */
export const RESOURCE_BASE = 'omk://goals';

const KINDS = {
  'proof.json': { mimeType: 'application/json', description: 'the proof as written (docs/proof-format.md)' },
  'proof.md': { mimeType: 'text/markdown', description: 'the proof for humans' },
  timeline: { mimeType: 'text/plain', description: 'the goal timeline replayed from its event log' },
} as const;
type Kind = keyof typeof KINDS;

/** Each goal's proof.json, proof.md and timeline, listed for every goal (a proof only once there is a verdict: before, a read is not-found). */
export function registerGoalResources(server: McpServer, ctx: AppContext): void {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const meta = KINDS[kind];
    server.registerResource(
      `goal-${kind.replace('.', '-')}`,
      new ResourceTemplate(`${RESOURCE_BASE}/{goal_id}/${kind}`, {
        list: async () => {
          const { goals } = await goalService(ctx).list().catch(() => ({ goals: [] }));
          const rows = kind === 'timeline' ? goals : goals.filter((g) => isVerdict(g.status));
          return { resources: rows.map((g) => ({ uri: `${RESOURCE_BASE}/${g.goal_id}/${kind}`, name: `${g.goal_id} ${kind}`, mimeType: meta.mimeType, description: `${meta.description}: ${g.request.slice(0, 80)}` })) };
        },
      }),
      { mimeType: meta.mimeType, description: meta.description },
      async (uri, variables) => {
        const goalId = String(variables.goal_id ?? '');
        if (goalId === '') throw new OmkError('usage', `not a goal resource: ${uri.href}`);
        const goals = goalService(ctx);
        const text = kind === 'timeline' ? (await goals.replay(goalId)).text : (await goals.proof(goalId, kind === 'proof.json' ? 'json' : 'md')).text;
        return { contents: [{ uri: uri.href, mimeType: meta.mimeType, text }] };
      },
    );
  }
}
