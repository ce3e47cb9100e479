import type { GoalLog, IntakeFacts } from '../../core/goal/controller/goal-log.js';
import { pickTestGates } from '../../core/proof/test-evidence.js';
import { isTestFile } from '../../core/review/finding.js';
import { changedBetween, commitAll, resetHard, runGit, treeOf } from '../git/index.js';
import { openScratchWorktree, RED_GREEN_COMPONENT } from './bisect-worktree.js';
import type { GoalScope } from './context.js';
import { gitContext, record } from './context.js';
import { runScopedGates } from './gate-runs.js';

/**
 * The "before" half of red→green evidence when the change touched tests: the base code with the
 * change's test files applied — each added, modified or renamed test file as it is at head, each deleted
 * one removed — committed in the scratch worktree `omk/<goal>/red_green` (`red_green.prepared`), and the
 * oracle's test gates run there (scope `red_green`). A test that fails here and passes on head is one
 * the change made pass. When no test file changed, the baseline run is the "before" and nothing runs here.
 * Runs once per head: a resumed or repeated review of the same head reuses what is recorded.
 */
export async function runRedGreen(scope: GoalScope, intake: IntakeFacts, log: GoalLog, prepared: ReadonlyArray<{ head_sha: string; tree_sha: string }>): Promise<void> {
  const { rt } = scope;
  const head = log.integration!.head_sha;
  const specs = pickTestGates(intake.oracle.gates, rt.gates).map((n) => rt.gates.find((g) => g.name === n)!);
  if (specs.length === 0) return;
  const git = gitContext(rt);
  const changed = (await changedBetween(git, intake.base_sha, head)).filter((f) => isTestFile(f.path) || (f.oldPath !== undefined && isTestFile(f.oldPath)));
  if (changed.length === 0) return;
  const done = prepared.filter((p) => p.head_sha === head).at(-1);
  if (done && specs.every((s) => log.gateRuns.some((r) => r.scope === 'red_green' && r.gate === s.name && r.tree_sha === done.tree_sha))) return;

  const wt = await openScratchWorktree(scope, RED_GREEN_COMPONENT, intake.base_sha);
  // A failed bootstrap is recorded (worktree.bootstrapped); the proof then says the change's tests did not run on the base.
  if (wt.bootstrap?.ok === false) return;
  const wtGit = gitContext(rt, wt.path);
  await resetHard(wtGit, { to: intake.base_sha });
  const files: string[] = [];
  for (const f of changed) {
    if (f.oldPath !== undefined && f.oldPath !== f.path && isTestFile(f.oldPath)) {
      await runGit(wtGit, ['rm', '-q', '--ignore-unmatch', '--', f.oldPath]);
      files.push(f.oldPath);
    }
    if (f.status === 'D') await runGit(wtGit, ['rm', '-q', '--ignore-unmatch', '--', f.path]);
    else await runGit(wtGit, ['checkout', head, '--', f.path]);
    files.push(f.path);
  }
  const commit = await commitAll(wtGit, { message: `omk: base ${intake.base_sha.slice(0, 12)} with the test files of ${head.slice(0, 12)}` });
  const commitSha = commit.committed ? commit.sha : intake.base_sha;
  const tree = commit.committed ? commit.tree : await treeOf(git, intake.base_sha);
  await record(scope, 'red_green.prepared', { round: log.round, head_sha: head, base_sha: intake.base_sha, commit_sha: commitSha, tree_sha: tree, files: [...new Set(files)].sort() });
  rt.progress(`red→green: ${specs.map((s) => s.name).join(', ')} on the base with the change's ${files.length} test file(s) (tree ${tree.slice(0, 12)})`);
  await runScopedGates(scope, specs, { root: wt.path, treeSha: tree, scope: 'red_green', taskId: null });
}
