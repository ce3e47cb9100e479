import type { GoalLog } from '../../core/goal/controller/goal-log.js';
import type { DiagnosedTask, DiagnosisVerdict, GateHistory, StuckReason } from './report.js';

export interface ExplainInput {
  goalId: string;
  status: string;
  verdict: DiagnosisVerdict;
  tasks: readonly DiagnosedTask[];
  gates: readonly GateHistory[];
  stuck: readonly StuckReason[];
  log: GoalLog;
}

/** The plain-language paragraph and the next steps, from the findings alone (deterministic). */
export function explain(input: ExplainInput): { diagnosis: string; next_steps: string[] } {
  const { goalId, status, verdict, tasks, stuck } = input;
  const attempts = tasks.reduce((n, t) => n + t.attempts.length, 0);
  const steps: string[] = [];
  const step = (s: string) => {
    if (!steps.includes(s)) steps.push(s);
  };
  const parts: string[] = [];

  if (verdict === 'done') {
    parts.push(`Goal ${goalId} is ready after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}; nothing is stuck.`);
    return { diagnosis: parts.join(' '), next_steps: [`omk goal proof ${goalId} --verify`] };
  }
  if (verdict === 'no_attempts') {
    const why = input.log.questions[0]
      ? `it is waiting on a human: ${input.log.questions[0].question}`
      : input.log.externalBlockers[0]
        ? `it is blocked: ${input.log.externalBlockers[0].description}`
        : `no task has run yet (status ${status})`;
    parts.push(`Goal ${goalId} made no attempts: ${why}.`);
    step(`omk goal status ${goalId}`);
    return { diagnosis: parts.join(' '), next_steps: steps };
  }

  parts.push(`Goal ${goalId} is ${status} after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} over ${input.log.round} ${input.log.round === 1 ? 'round' : 'rounds'}.`);
  const repeated = stuck.filter((r) => r.kind === 'repeated_failure');
  if (repeated.length > 0) {
    const first = tasks.flatMap((t) => t.repeated_signatures.map((r) => ({ t, r })))[0]!;
    parts.push(
      `It is looping: task \`${first.t.id}\` keeps failing gate \`${first.r.gate}\` the same way (signature ${first.r.signature}, attempts ${first.r.attempts.join(', ')})` +
        `${first.r.excerpt ? ` — ${first.r.excerpt}` : ''}. More attempts with the same prompt are unlikely to help.`,
    );
    step(`read the failing output: omk goal show ${goalId} (gate records under artifacts/gates/)`);
    step(`sharpen the task: name the failing test and what it expects, or split the task, then run the goal again`);
  }
  if (stuck.some((r) => r.kind === 'pre_existing_failure')) {
    parts.push('The same failure was already there on the base commit, so it may not be what this goal changes.');
    step('check whether the failure predates the goal (baseline gate run) and fix or exclude that gate first (--gates)');
  }
  if (stuck.some((r) => r.kind === 'empty_diffs')) {
    parts.push('The agent ended attempts without changing any file: it did not find what to edit, or believed nothing needed changing.');
    step("give the agent the file and the expected behaviour, or check the task's write set covers the file that must change");
  }
  if (stuck.some((r) => r.kind === 'same_tree' || r.kind === 'reverted_edits')) {
    parts.push('Attempts are oscillating: an attempt produced exactly the tree of an earlier one, so the feedback is not steering it.');
    step('stop retrying; review the diffs under artifacts/diffs/ and state the intended fix in the goal');
  }
  if (stuck.some((r) => r.kind === 'scope_violations')) {
    step("widen the task's write set if those files must change, or say in the goal that they must not be touched");
  }
  if (stuck.some((r) => r.kind === 'engine_failures')) {
    step('check the engine: omk engines doctor');
  }
  if (stuck.some((r) => r.kind === 'integration_only_failure')) {
    parts.push('Every task passes alone but the integrated tree fails: the slices conflict in behaviour.');
    step('run the failing gate on the integration branch and add a task that reconciles the slices');
  }
  if (stuck.some((r) => r.kind === 'rounds_without_change')) {
    parts.push('until-ready rounds ended with the same gaps, so another round would repeat them.');
  }
  if (verdict === 'progressing') {
    const failing = tasks.filter((t) => t.result !== 'done').map((t) => `\`${t.id}\``);
    parts.push(
      failing.length > 0
        ? `No loop was detected: the failures differ between attempts. Open: ${failing.join(', ')}.`
        : 'No loop was detected; every task is done.',
    );
    step(`omk goal proof ${goalId}   (the known gaps say what is missing)`);
  }
  if (status === 'not_ready' || status === 'failed_infra') step(`omk goal run "<the goal, sharpened>" --until-ready`);
  return { diagnosis: parts.join(' '), next_steps: steps };
}
