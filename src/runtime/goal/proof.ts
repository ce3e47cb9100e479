import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { GoalLog } from '../../core/goal/controller/goal-log.js';
import type { TaskGraph } from '../../core/goal/task-graph/schema.js';
import { notRunSection, REVIEW_SECTIONS, type Evidence, type ReviewWall, type TaskEvidence, type TaskStatus as ProofTaskStatus } from '../../core/proof/evidence.js';
import { DEFAULT_REQUIRED_SECTIONS } from '../../core/review/wall.js';
import type { TaskStatus } from '../../core/store/types.js';
import type { ProofDocument } from '../../core/proof/proof-schema.js';
import { changedBetween, isAncestor, runGit } from '../git/index.js';
import { anchorFor, writeProofAnchor } from '../proof/anchor.js';
import { writeProof } from '../proof/write-proof.js';
import type { GoalScope } from './context.js';
import { gitContext } from './context.js';
import { changeTestsTree, redGreenPrepared } from '../../core/goal/controller/red-green-facts.js';
import { pickTestGates } from '../../core/proof/test-evidence.js';
import { deriveTestsAndAcceptance } from '../proof/test-inputs.js';
import { loadGateRuns } from './gate-runs.js';
import { goalRelative, readTextIfExists, writeJsonAtomically } from './goal-dir.js';
import { changeStatus } from './status.js';

const TASK_STATUS: Record<TaskStatus, ProofTaskStatus> = {
  queued: 'pending',
  leased: 'running',
  done: 'done',
  failed: 'failed',
  blocked: 'blocked',
  cancelled: 'cancelled',
};

/**
 * Collects the evidence from the log, the gate records, git and the review artifact; computes the
 * verdict (writeProof); writes proof.json, proof.md and — when not ready — failure.json; sets the
 * goal's status to the verdict and records `proof.written`. Returns the proof.
 */
export async function writeGoalProof(scope: GoalScope, log: GoalLog, graph: TaskGraph | undefined, statuses: ReadonlyMap<string, TaskStatus>): Promise<ProofDocument> {
  const { rt, goalId } = scope;
  const intake = log.intake!;
  const git = gitContext(rt);
  const goal = await rt.store.getGoal(goalId);
  const head = log.integration ? { sha: log.integration.head_sha, tree: log.integration.head_tree } : null;
  const { runs, problems } = await loadGateRuns(scope, log.gateRuns);
  const conflicted = new Set(log.conflicts.map((c) => c.task_id));
  const merged = new Set(log.integration?.merged ?? []);

  const tasks: TaskEvidence[] = [];
  for (const t of graph?.tasks ?? []) {
    const facts = log.tasks.get(t.id);
    const last = facts?.attempts.at(-1);
    const commit = facts?.result === 'done' ? facts.commit : (last?.commit ?? null);
    const tree = facts?.result === 'done' ? facts.treeSha : (last?.tree_sha ?? null);
    let status = TASK_STATUS[statuses.get(t.id) ?? 'queued'];
    if (status === 'done' && conflicted.has(t.id) && !merged.has(t.id)) status = 'blocked';
    // A done task counts only when the commit it completed with is what was integrated (a branch reset
    // after completion would otherwise look merged).
    const blockedBy: string[] = [];
    if (status === 'done' && head && commit && !(await isAncestor(git, commit, head.sha))) {
      status = 'blocked';
      blockedBy.push(`task \`${t.id}\`'s commit ${commit.slice(0, 12)} is not in the integrated head ${head.sha.slice(0, 12)}`);
    }
    tasks.push({
      id: t.id,
      title: t.title,
      status,
      attempts: facts?.attempts.length ?? 0,
      commit,
      tree_sha: tree,
      changed_files: commit ? (await changedBetween(git, intake.base_sha, commit)).map((f) => f.path).sort() : [],
      required: true,
      ...stalledFindings(log, t.id),
      ...(blockedBy.length > 0 ? { blocked_by: blockedBy } : {}),
    });
  }

  const cost = await rt.store.costTotal(goalId);
  const budget = await scope.budget?.evidence();
  const evidence: Omit<Evidence, 'artifacts' | 'events'> = {
    goal: { id: goalId, request: log.prompt ?? goal?.prompt ?? '', lifecycle: goal?.status ?? 'running', reason: null },
    base: { ref: intake.base_ref, sha: intake.base_sha },
    head,
    oracle: { kind: intake.type, gates: intake.oracle.gates },
    gates: runs,
    tasks,
    reviews: await reviewsFor(scope, log, head?.sha, intake.type === 'performance'),
    budget: budget ?? {
      limits: { time_ms: null, tokens: null, usd: null },
      used: { time_ms: Math.max(0, rt.now().getTime() - Date.parse(goal?.createdAt ?? rt.now().toISOString())), tokens: cost.tokensIn + cost.tokensOut, usd: cost.usd },
      reserved: { time_ms: 0, tokens: 0, usd: 0 },
      exceeded: { time: false, tokens: false, usd: false },
    },
    human: { questions: log.questions, decisions: [] },
    external_blockers: log.externalBlockers,
    infra_failures: [...log.infraFailures, ...problems.map((message) => ({ component: 'gate-records', message }))],
    changed_files: head ? [...new Set((await changedBetween(git, intake.base_sha, head.sha)).map((f) => f.path))].sort() : [],
    commits: head ? (await runGit(git, ['rev-list', '--reverse', `${intake.base_sha}..${head.sha}`])).stdout.split('\n').filter(Boolean) : [],
  };

  // Test evidence and acceptance criteria, derived from the files `omk goal proof --verify` re-reads (test-inputs.ts).
  const reviewRecord = log.review && log.review.reviewed_sha === head?.sha ? log.review.path : null;
  const events = await rt.store.readEvents(goalId);
  const derived = await deriveTestsAndAcceptance({
    goalDir: scope.dir.root,
    goalType: intake.type,
    testGates: pickTestGates(intake.oracle.gates, rt.gates),
    changedFiles: evidence.changed_files,
    head,
    changeTestsTree: changeTestsTree(redGreenPrepared(events), head?.sha),
    runs,
    tasks,
    reviewRecord,
    events,
  });
  evidence.tests = derived.tests;
  evidence.acceptance = derived.acceptance;
  evidence.review_record = reviewRecord;
  evidence.infra_failures.push(...derived.problems.map((message) => ({ component: 'test-evidence', message })));

  const artifactPaths = await listArtifacts(scope);
  const written = await writeProof({ goalDir: scope.dir.root, evidence, generatedAt: rt.now().toISOString(), artifactPaths });
  const proof = written.proof;
  if (proof.status === 'ready') await rm(scope.dir.failureJson, { force: true });
  else {
    await writeJsonAtomically(scope.dir.failureJson, {
      version: 1,
      goal_id: goalId,
      status: proof.status,
      readiness: proof.readiness,
      known_gaps: proof.known_gaps,
      human_decisions_required: proof.human_decisions_required,
      generated_at: proof.generated_at,
    });
  }
  const bytes = await readFile(written.jsonFile);
  const proofSha256 = createHash('sha256').update(bytes).digest('hex');
  // Outside the goal directory, so a consistent rewrite of it, the store and proof.json is detected (anchor.ts).
  await writeProofAnchor(git, anchorFor(proof, proofSha256));
  await rt.store.transaction(async (tx) => {
    await changeStatus(tx, goalId, proof.status, proof.readiness);
    await tx.appendEvent(goalId, 'proof.written', {
      round: log.round,
      status: proof.status,
      readiness: proof.readiness,
      gaps: proof.known_gaps,
      path: 'proof.json',
      sha256: proofSha256,
    });
  });
  rt.progress(`proof: ${proof.status} — ${proof.readiness}`);
  return proof;
}

/** The findings no-progress detection stopped the task with this round (`goal.stalled`), when it did. */
function stalledFindings(log: GoalLog, taskId: string): { stalled?: string[] } {
  const messages = log.stalls.filter((s) => s.round === log.round && s.task_id === taskId).flatMap((s) => s.findings.filter((f) => f.task_id === taskId).map((f) => f.message));
  return messages.length > 0 ? { stalled: [...new Set(messages)] } : {};
}

/** The review wall of this round when it reviewed the head; otherwise every section not run. */
async function reviewsFor(scope: GoalScope, log: GoalLog, headSha: string | undefined, performance: boolean): Promise<ReviewWall> {
  const empty = Object.fromEntries(
    REVIEW_SECTIONS.map((s) => [s, notRunSection(s === 'performance' ? performance : DEFAULT_REQUIRED_SECTIONS[s])]),
  ) as ReviewWall;
  if (!log.review || log.review.reviewed_sha !== headSha) return empty;
  const text = await readTextIfExists(path.join(scope.dir.root, log.review.path));
  if (text === undefined) return empty;
  const doc = JSON.parse(text) as { sections?: ReviewWall };
  return doc.sections ?? empty;
}

/** Every file the proof vouches for besides gate outputs: the plan, decisions, transcripts, diffs, reviews. */
async function listArtifacts(scope: GoalScope): Promise<string[]> {
  const { dir } = scope;
  const out: string[] = [];
  for (const file of [dir.goalJson, dir.prd, dir.technicalPlan, dir.testSpec, dir.taskGraph, dir.decisions]) {
    if ((await readTextIfExists(file)) !== undefined) out.push(goalRelative(dir, file));
  }
  for (const root of [dir.transcripts, dir.diffs, dir.reviews, dir.setup]) out.push(...(await walk(root)).map((f) => goalRelative(dir, f)));
  return out.sort();
}

async function walk(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const e of entries) {
    const full = path.join(root, e.name);
    if (e.isDirectory()) files.push(...(await walk(full)));
    else if (e.isFile()) files.push(full);
  }
  return files;
}
