import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SampleRepo } from './sample-repo.js';

export const FAKE_ACP = path.resolve(__dirname, '../../fixtures/agents/fake-acp-agent.mjs');

export interface PlannedTask {
  id: string;
  write: string[];
  depends?: string[];
}

/** A planner answer (as the fake agent says it) with these tasks, each gated by `test`. */
export function planSay(tasks: PlannedTask[]): string {
  const graph = {
    version: 1,
    goal_id: '<ignored>',
    tasks: tasks.map((t) => ({
      id: t.id,
      title: `Do ${t.id}`,
      description: `Change ${t.write.join(', ')} for ${t.id}.`,
      depends_on: t.depends ?? [],
      read_set: ['**'],
      write_set: t.write,
      acceptance: ['Gate `test` passes.'],
      risk: 'low',
      max_retries: 1,
      gates: ['test'],
    })),
  };
  return `\`\`\`json\n${JSON.stringify(graph, null, 2)}\n\`\`\``;
}

export type Steps = Array<Record<string, unknown>>;

/**
 * Project config with the fake ACP agent as every role, following `scenario`: the planner prompt gets
 * the plan, each task's prompt (matched on `OMK-TASK-REQUEST <id> (attempt N)`) its own steps.
 */
export function useFakeAgent(repo: SampleRepo, plan: PlannedTask[], perTask: Record<string, Steps>): void {
  const scenario = path.join(repo.home, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      prompts: [
        { match: 'OMK-PLANNER-REQUEST', steps: [{ say: planSay(plan) }] },
        ...Object.entries(perTask).map(([match, steps]) => ({ match: `OMK-TASK-REQUEST ${match}`, steps })),
      ],
    }),
  );
  repo.writeConfig(
    [
      '[defaults]',
      'engine = "fake"',
      '[engines.fake]',
      'protocol = "acp"',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(FAKE_ACP)}, "acp", "--scenario", ${JSON.stringify(scenario)}]`,
      '[gates.test]',
      'command = "node --test"',
      '',
    ].join('\n'),
  );
}

/** Adds files to the sample repository in one commit. */
export function commitFiles(repo: SampleRepo, files: Record<string, string>, message: string): void {
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(repo.root, file), content);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', message);
}

export interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** A goal's events.jsonl, parsed (the file the proof and replay read). */
export function goalDirEvents(goalDir: string): LoggedEvent[] {
  return readFileSync(path.join(goalDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

/** A test that passes with either flag on alone and fails with both: two slices green alone, red together. */
export const FLAG_TEST = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { flag as a } from './a.js';",
  "import { flag as b } from './b.js';",
  "test('at most one flag is on', () => assert.ok(a + b <= 1, `a=${a} b=${b}`));",
  '',
].join('\n');
