import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../config/atomic-write.js';

/**
 * The files of one goal under `.omk/goals/<goal-id>/` (SPEC "On disk"). JSON and markdown artifacts
 * are derived snapshots written atomically; decisions.jsonl is append-only, one write per line.
 */
export interface GoalDir {
  root: string;
  goalJson: string;
  prd: string;
  technicalPlan: string;
  testSpec: string;
  taskGraph: string;
  decisions: string;
  events: string;
  proofJson: string;
  proofMd: string;
  failureJson: string;
  transcripts: string;
  reviews: string;
  diffs: string;
  /** Worktree setup command output: `artifacts/setup/<run-id>/{stdout,stderr}`. */
  setup: string;
}

export function goalDir(goalsDir: string, goalId: string): GoalDir {
  const root = path.join(goalsDir, goalId);
  const artifacts = path.join(root, 'artifacts');
  return {
    root,
    goalJson: path.join(root, 'goal.json'),
    prd: path.join(root, 'prd.md'),
    technicalPlan: path.join(root, 'technical-plan.md'),
    testSpec: path.join(root, 'test-spec.md'),
    taskGraph: path.join(root, 'task-graph.json'),
    decisions: path.join(root, 'decisions.jsonl'),
    events: path.join(root, 'events.jsonl'),
    proofJson: path.join(root, 'proof.json'),
    proofMd: path.join(root, 'proof.md'),
    failureJson: path.join(root, 'failure.json'),
    transcripts: path.join(root, 'transcripts'),
    reviews: path.join(artifacts, 'reviews'),
    diffs: path.join(artifacts, 'diffs'),
    setup: path.join(artifacts, 'setup'),
  };
}

/** `transcripts/<task>/<attempt>.jsonl`; the planner's go under `_planner` (never a task id: ids are slugs). */
export function transcriptFile(dir: GoalDir, who: string, n: number): string {
  return path.join(dir.transcripts, who, `${n}.jsonl`);
}

/** A path under the goal directory as proof.json records it: relative, `/`-separated. */
export function goalRelative(dir: GoalDir, file: string): string {
  return path.relative(dir.root, file).split(path.sep).join('/');
}

export async function writeJsonAtomically(file: string, value: unknown): Promise<string> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, text);
  return text;
}

export async function writeTextAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, text);
}

/** One line, one write. */
export async function appendJsonLine(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(value)}\n`);
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
