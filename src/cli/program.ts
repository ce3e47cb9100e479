import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import path from 'node:path';
import { describeError, isOmkError } from '../core/errors.js';
import { createLogger, parseLogLevel, resolvePaths } from '../app/context.js';
import type { CliContext } from './context.js';
import { EXIT, exitStatusFor } from './exit-codes.js';

/**
 * The command tree. Each action imports its module lazily, so a command loads only
 * what it uses (esbuild puts each in its own chunk).
 */
export function buildProgram(
  version: string,
  run: (task: (ctx: CliContext) => Promise<number>) => Promise<void>,
  output: { writeOut: (s: string) => void; writeErr: (s: string) => void } = {
    writeOut: (s) => void process.stdout.write(s),
    writeErr: (s) => void process.stderr.write(s),
  },
) {
  // Output settings must be in place before subcommands are added: they copy them when created.
  const program = new Command('omk')
    .configureOutput(output)
    .description('A runtime for coding agents: goals in isolated worktrees, judged by gates, closed with a proof.')
    .version(version, '-V, --version')
    .option('-C, --cwd <dir>', 'run as if omk was started in <dir>')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  // `omk` alone opens the chat REPL on a terminal (loaded only then); without one it prints the help.
  program.action(() => {
    // Words that are no command reach this action (excess arguments are allowed on the root only, below).
    if (program.args.length > 0) program.error(`error: unknown command '${program.args[0]}'`, { code: 'commander.unknownCommand', exitCode: 2 });
    return run(async (ctx) => {
      if (!ctx.isTTY || process.stdin.isTTY !== true) {
        program.outputHelp();
        return EXIT.ok;
      }
      return (await import('../tui/chat/main.js')).runChatTui(ctx, {});
    });
  });

  program
    .command('doctor')
    .description('check Node, git, SQLite, agent engines, API keys and state directories')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/doctor.js')).doctorCommand(ctx, opts)));

  program
    .command('setup')
    .description('create the user config, the project .omk/ directory, and exclude .omk/ from git')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/setup.js')).setupCommand(ctx, opts)));

  const config = program.command('config').description('show, validate and change configuration');
  config
    .command('show')
    .description('the merged configuration, with where each value came from')
    .argument('[key]', 'a dotted key, e.g. defaults.engine')
    .option('--json', 'machine-readable output')
    .action((key, opts) =>
      run(async (ctx) => (await import('./commands/config.js')).configShowCommand(ctx, key, opts)),
    );
  config
    .command('validate')
    .description('check the user and project config files and OMK_* variables')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/config.js')).configValidateCommand(ctx, opts)));
  config
    .command('set')
    .description('set a value in the user (default) or project config file')
    .argument('<key>', 'a dotted key, e.g. defaults.max_agents')
    .argument('<value>', 'a TOML value (numbers and booleans are typed; anything else is a string)')
    .addOption(new Option('--project', 'write <repo>/.omk/config.toml').conflicts('user'))
    .option('--user', 'write the user config (default)')
    .action((key, value, opts) =>
      run(async (ctx) => (await import('./commands/config.js')).configSetCommand(ctx, key, value, opts)),
    );
  config
    .command('path')
    .description('where the config files are')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/config.js')).configPathCommand(ctx, opts)));

  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Command().createArgument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action((shell) =>
      run(async (ctx) => (await import('./commands/completion.js')).completionCommand(ctx, shell, program)),
    );

  program
    .command('chat')
    .description('the chat: each request is routed to an answer, a checked edit, a short plan or a goal')
    .option('--session <id>', 'resume this session (its conversation and running goals)')
    .option('--new', 'start a new session')
    .option('-e, --engine <name>', 'the engine for answers, edits and plans (default: defaults.engine)')
    .option('-p, --print <request>', 'run one request without the interactive chat, then exit')
    .option('--json', 'without a terminal: JSON lines (route decision, result)')
    .option('-y, --yes', 'without a terminal: accept questions and apply an edit whose gates passed')
    .action((opts) => run(async (ctx) => (await import('./commands/chat.js')).chatCommand(ctx, opts)));

  program
    .command('ask')
    .description('one read-only answer from an agent, streamed to stdout')
    .argument('<prompt>', 'the question')
    .option('-e, --engine <name>', 'the engine to ask (default: defaults.engine)')
    .option('--show-thinking', "print the agent's thinking to stderr")
    .option('--json', 'print one JSON object at the end instead of streaming text')
    .action((prompt, opts) => run(async (ctx) => (await import('./commands/ask.js')).askCommand(ctx, prompt, opts)));

  const engines = program.command('engines').description('the agent engines omk can drive');
  engines
    .command('list')
    .description('presets and configured engines, and whether each is installed')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/engines.js')).enginesListCommand(ctx, opts)));
  engines
    .command('doctor')
    .description('start each engine, perform its handshake, and report whether it answered')
    .argument('[names...]', 'engines to check (default: all)')
    .option('--timeout <duration>', 'handshake timeout per engine, e.g. 10s (default 15s)')
    .option('--json', 'machine-readable output')
    .action((names, opts) =>
      run(async (ctx) => (await import('./commands/engines.js')).enginesDoctorCommand(ctx, names, opts)),
    );

  const notify = program.command('notify').description('notifications when a goal needs a person (docs/notify.md)');
  notify
    .command('test')
    .description('send a test notification to each configured target (or the named ones) and report each result; exit 1 if any failed')
    .argument('[targets...]', 'target names from [notify.targets.NAME] (default: all)')
    .option('--json', 'machine-readable output')
    .action((targets, opts) => run(async (ctx) => (await import('./commands/notify.js')).notifyTestCommand(ctx, targets, opts)));

  const gates = program.command('gates').description('the commands that judge a tree: list, run, circuit breakers');
  gates
    .command('list')
    .description('configured and detected gates, which of them run, and why each exists')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/gates.js')).gatesListCommand(ctx, opts)));
  gates
    .command('run')
    .description('run gates on the working tree (uncommitted changes included); exit 1 unless every required gate passes')
    .argument('[names...]', 'gates to run (default: all)')
    .option('--json', 'machine-readable output')
    .option('--no-cache', 'run even when this tree already has a result')
    .action((names, opts) => run(async (ctx) => (await import('./commands/gates.js')).gatesRunCommand(ctx, names, opts)));
  gates
    .command('status')
    .description("each gate's circuit breaker")
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/gates.js')).gatesStatusCommand(ctx, opts)));
  gates
    .command('reset')
    .description("close a gate's circuit breaker")
    .argument('<name>', 'the gate')
    .option('--json', 'machine-readable output')
    .action((name, opts) => run(async (ctx) => (await import('./commands/gates.js')).gatesResetCommand(ctx, name, opts)));

  const goal = program.command('goal').description('goals: planned, run in worktrees, judged by gates, closed with a proof');
  goal
    .command('run')
    .description('intake, plan, execute, integrate, review and prove a goal; exit 0 only when it is ready')
    .argument('<goal>', 'what should be true when it is done, e.g. "fix the failing test in math.js"')
    .option('-e, --engine <name>', 'the engine for every role (default: defaults.engine)')
    .option('--until-ready', 'retry failed tasks in further rounds while the gaps change')
    .option('--max-agents <n>', 'agents working on tasks at once, each in its own worktree, 1-64 (default: defaults.max_agents, 1)')
    .option('--local-agents <n>', 'of those, how many this controller runs itself; the rest are left to `omk worker` processes (default: all)')
    .option('--gates <names>', 'comma-separated gates that decide done (replaces the oracle)')
    .option('--gate <name=command>', 'a gate given here, e.g. --gate "test=python3 -m unittest" (repeatable; counts as configured, recorded in goal.json)', collectGate, [])
    .option('--base <ref>', 'the commit to start from (default: HEAD)')
    .option('--budget-time <duration>', 'running-time limit, e.g. 2h or 1h30m (default: budget.time)')
    .option('--budget-tokens <n>', 'token limit, e.g. 500k or 2M (default: budget.tokens)')
    .option('--budget-usd <x>', 'USD limit, e.g. 5 or 0.25 (default: budget.usd)')
    .option('--budget-task-tokens <n>', 'token limit for each task over all its attempts, e.g. 200k (checked before each attempt and between model calls)')
    .option('--budget-task-usd <x>', 'USD limit for each task over all its attempts, e.g. 0.50')
    .option('--detach', 'run the controller in the background; print the goal id and exit (follow with omk goal watch)')
    .option('--policy <policy>', 'at the verdict: local (push nothing), draft-pr, or auto-pr (default: defaults.policy)')
    .option('--merge-policy <policy>', 'with auto-pr: disabled, manual, or gated (merge when ready and checks pass) (default: defaults.merge_policy)')
    .option('--json', 'machine-readable output')
    .action((text, opts) => run(async (ctx) => (await import('./commands/goal/run.js')).goalRunCommand(ctx, text, opts)));
  goal
    .command('plan')
    .description('intake and planning only: prd.md, technical-plan.md, test-spec.md, task-graph.json')
    .argument('<goal>', 'the request')
    .option('-e, --engine <name>', 'the planner engine (default: defaults.engine)')
    .option('--gates <names>', 'comma-separated gates that decide done (replaces the oracle)')
    .option('--gate <name=command>', 'a gate given here, e.g. --gate "test=python3 -m unittest" (repeatable)', collectGate, [])
    .option('--base <ref>', 'the commit to plan against (default: HEAD)')
    .option('--json', 'machine-readable output')
    .action((text, opts) => run(async (ctx) => (await import('./commands/goal/run.js')).goalPlanCommand(ctx, text, opts)));
  goal
    .command('status')
    .description("a goal's status, tasks and proof verdict")
    .argument('[goal]', 'a goal id, a unique id prefix, or "latest" (default)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal.js')).goalStatusCommand(ctx, ref, opts)));
  goal
    .command('list')
    .description('every goal in this repository, newest first')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/goal.js')).goalListCommand(ctx, opts)));
  goal
    .command('show')
    .description('a goal in detail: plan, decisions, attempts, gate runs, integration, review')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal.js')).goalShowCommand(ctx, ref, opts)));
  goal
    .command('proof')
    .description("print a goal's proof; --verify re-derives the verdict and checks every digest and the event chain")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--verify', 'recompute and check instead of printing')
    .option('--json', 'proof.json (or the verification report) instead of proof.md')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal.js')).goalProofCommand(ctx, ref, opts)));
  goal
    .command('replay')
    .description("render a goal's timeline from events.jsonl (deterministic; tolerates a torn last line)")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--from <seq>', 'start at this event number')
    .option('--format <format>', 'text, json or md (default text)')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal.js')).goalReplayCommand(ctx, ref, opts)));
  goal
    .command('budget')
    .description("a goal's budget: limits, used, reserved and remaining per dimension (time, tokens, usd)")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-budget.js')).goalBudgetCommand(ctx, ref, opts)));
  goal
    .command('budget-add')
    .description("raise a goal's budget (each limit to max(limit, used) + amount); a goal that needs more budget resumes to its verdict")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--time <duration>', 'more running time, e.g. 30m')
    .option('--tokens <n>', 'more tokens, e.g. 500k')
    .option('--usd <x>', 'more dollars, e.g. 2.50')
    .option('--task-tokens <n>', 'more tokens for each task (raises the per-task limit to max(limit, most any task used) + n)')
    .option('--task-usd <x>', 'more dollars for each task (the per-task USD limit, likewise)')
    .option('-e, --engine <name>', 'the engine when it resumes (default: the one the goal started with)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-budget.js')).goalBudgetAddCommand(ctx, ref, opts)));
  goal
    .command('pause')
    .description('pause a goal from any terminal: its controller stops within a second; omk goal resume continues it')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--reason <text>', 'why (recorded)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalPauseCommand(ctx, ref, opts)));
  goal
    .command('resume')
    .description('continue a paused or crashed goal from the store to its verdict (refused while its controller is alive, or once cancelled)')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('-e, --engine <name>', 'the engine (default: the one the goal started with)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalResumeCommand(ctx, ref, opts)));
  goal
    .command('execute')
    .description('one controller step by hand: run the ready tasks (each in its own worktree, up to --max-agents) until none is left, then pause the goal (omk goal resume goes on to the verdict)')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('-e, --engine <name>', 'the engine (default: the one the goal started with)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalStepCommand(ctx, ref, 'execute', opts)));
  goal
    .command('verify')
    .description('one controller step by hand: integrate the finished tasks and run the oracle gates on the combined tree, then pause the goal (omk goal resume goes on to the verdict)')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('-e, --engine <name>', 'the engine (default: the one the goal started with)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalStepCommand(ctx, ref, 'verify', opts)));
  goal
    .command('review')
    .description('one controller step by hand: run the review wall on the integrated head, then pause the goal (omk goal resume goes on to the verdict)')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('-e, --engine <name>', 'the engine (default: the one the goal started with)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalStepCommand(ctx, ref, 'review', opts)));
  goal
    .command('cancel')
    .description('cancel a goal from any terminal (terminal: it is never run again); a running agent turn is cancelled')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--reason <text>', 'why (recorded)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal/control.js')).goalCancelCommand(ctx, ref, opts)));
  goal
    .command('accept')
    .description('record a human acceptance as evidence and re-derive the proof (it never stands in for missing evidence)')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .requiredOption('--summary <text>', 'what was accepted, in a sentence')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-decisions.js')).goalAcceptCommand(ctx, ref, opts)));
  goal
    .command('reject')
    .description('record a human rejection as evidence: the goal becomes not_ready with the reason as a gap')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .requiredOption('--reason <text>', 'why it is rejected (becomes a known gap)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-decisions.js')).goalRejectCommand(ctx, ref, opts)));
  goal
    .command('diagnose')
    .description('no-progress / loop report from the event log: repeated failing signatures, empty diffs, reverted edits')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-diagnose.js')).goalDiagnoseCommand(ctx, ref, opts)));
  goal
    .command('watch')
    .description("follow a goal's events live until it reaches a verdict (exit as `goal run` would), or Ctrl-C (130)")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--from <seq>', 'start at this event number (default 1: the whole timeline, then new events)')
    .option('--interval <ms>', 'poll interval in milliseconds (default 250)')
    .option('--json', 'one JSON object per event line')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-watch.js')).goalWatchCommand(ctx, ref, opts)));
  goal
    .command('open-pr')
    .description("push a goal's integration head (never forced) and open or update its GitHub pull request, with the proof as its body")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--dry-run', 'print the title and body and the push that would run; no push, no token, no request')
    .option('--draft', 'open as a draft (required for a goal that is not ready; default with defaults.policy = "draft-pr")')
    .option('--remote <name>', 'the git remote to push to (default: delivery.remote, else origin)')
    .option('--base <branch>', "the pull request's base branch (default: delivery.base, else the goal's base branch)")
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-delivery.js')).goalOpenPrCommand(ctx, ref, opts)));
  goal
    .command('merge')
    .description("merge a goal's pull request under the merge policy; exit 0 merged, 1 refused (reason recorded), 3 blocked")
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--policy <policy>', 'manual or gated (default: defaults.merge_policy; disabled always refuses)')
    .option('--remote <name>', 'the git remote the pull request was pushed to (default: delivery.remote, else origin)')
    .option('--json', 'machine-readable output')
    .action((ref, opts) => run(async (ctx) => (await import('./commands/goal-delivery.js')).goalMergeCommand(ctx, ref, opts)));

  const team = program.command('team').description('N agents on a decomposed task, without the planning ceremony (a goal underneath)');
  team
    .command('run')
    .description('split TASK into at most N independent ROLE slices, run them at once, integrate, gate and prove; exit as goal run')
    .argument('<team>', 'N:ROLE — N agents (1 to 16), ROLE executor, tester or documenter, e.g. 3:executor')
    .argument('<task>', 'what the team should do, e.g. "add a --verbose flag to every subcommand"')
    .option('-e, --engine <name>', 'the engine for every role (default: defaults.engine)')
    .option('--gates <names>', 'comma-separated gates that decide done (default: the configured or detected ones the oracle picks)')
    .option('--gate <name=command>', 'a gate given here, e.g. --gate "test=python3 -m unittest" (repeatable)', collectGate, [])
    .option('--base <ref>', 'the commit to start from (default: HEAD)')
    .option('--until-ready', 'retry failed slices in further rounds while the gaps change')
    .option('--budget-time <duration>', 'running-time limit, e.g. 2h or 1h30m (default: budget.time)')
    .option('--budget-tokens <n>', 'token limit, e.g. 500k or 2M (default: budget.tokens)')
    .option('--budget-usd <x>', 'USD limit, e.g. 5 or 0.25 (default: budget.usd)')
    .option('--budget-task-tokens <n>', 'token limit for each slice over all its attempts, e.g. 200k')
    .option('--budget-task-usd <x>', 'USD limit for each slice over all its attempts, e.g. 0.50')
    .option('--policy <policy>', 'at the verdict: local (push nothing), draft-pr, or auto-pr (default: defaults.policy)')
    .option('--merge-policy <policy>', 'with auto-pr: disabled, manual, or gated (default: defaults.merge_policy)')
    .option('--json', 'machine-readable output (as goal run --json)')
    .action((spec, text, opts) => run(async (ctx) => (await import('./commands/team.js')).teamRunCommand(ctx, spec, text, opts)));

  const events = program.command('events').description('the hash-chained event log');
  events
    .command('verify')
    .description('check the hash chain and report the first broken link, edited line, gap or torn tail')
    .argument('<goal>', 'a goal id, a unique id prefix, or "latest"')
    .option('--json', 'machine-readable output')
    .action((goal, opts) =>
      run(async (ctx) => (await import('./commands/events.js')).eventsVerifyCommand(ctx, goal, opts)),
    );

  program
    .command('worker')
    .description("claim and run ready tasks of this repository's running goals in a separate process (each counts against the goal's --max-agents)")
    .option('--goal <goal>', 'work on this goal only (id, unique prefix or "latest")')
    .option('-e, --engine <name>', 'the engine for the tasks it runs (default: defaults.engine)')
    .option('--store <url>', "the store (default and only choice: this repository's SQLite store)")
    .option('--idle-exit <seconds>', 'exit after this long with nothing to claim (default: keep waiting until Ctrl-C)')
    .option('--json', 'machine-readable summary')
    .action((opts) => run(async (ctx) => (await import('./commands/worker.js')).workerCommand(ctx, opts)));

  const mcp = program.command('mcp').description('MCP both ways: omk as a server for other agents, and the MCP servers omk hands its agents');
  mcp
    .command('serve')
    .description('serve the goal tools (goal_run, goal_wait, goal_proof, …) and proofs as resources over stdio, or Streamable HTTP on 127.0.0.1 with a token')
    .option('--http', 'Streamable HTTP instead of stdio; prints {url, token} as JSON')
    .option('--port <port>', 'with --http: the port (default: mcp.serve.port; 0 picks a free one)')
    .option('--read-only', 'offer only the tools that read (overrides mcp.serve.mode)')
    .action((opts) => run(async (ctx) => (await import('./commands/mcp.js')).mcpServeCommand(ctx, opts)));

  program
    .command('dashboard')
    .description('the local web dashboard on 127.0.0.1: goals, live agents, gates, diffs, cost, proof, controls; /metrics for Prometheus')
    .option('--port <port>', 'the port (default: any free one)')
    .option('--open', 'open it in the browser')
    .action((opts) => run(async (ctx) => (await import('./commands/dashboard.js')).dashboardCommand(ctx, opts)));

  program
    .command('cleanup')
    .description("remove omk's stale worktrees and branches, re-queue expired leases; never removes dirty or unmerged work")
    .option('--dry-run', 'list what would be removed, kept and re-queued, and change nothing')
    .option('--json', 'machine-readable output')
    .action((opts) => run(async (ctx) => (await import('./commands/cleanup.js')).cleanupCommand(ctx, opts)));

  // Set last: subcommands copy the root's settings when created, and must keep refusing excess arguments.
  program.allowExcessArguments(true);
  // A root action would otherwise drop the implicit `help` command.
  program.helpCommand(true);
  return program;
}

export interface RunCliOptions {
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Parses argv, runs one command, and returns the exit status. Never throws. */
export async function runCli(argv: string[], version: string, options: RunCliOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = (options.stdout ?? process.stdout) as CliContext['stdout'] & { isTTY?: boolean };
  const stderr = (options.stderr ?? process.stderr) as CliContext['stderr'];
  const log = createLogger({ level: parseLogLevel(env.OMK_LOG_LEVEL), write: (l) => void stderr.write(l) });
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => abort.abort(new Error(`received ${sig}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let status: number = EXIT.ok;
  const run = async (task: (ctx: CliContext) => Promise<number>) => {
    const globalCwd = program.opts().cwd;
    const cwd = path.resolve(options.cwd ?? process.cwd(), globalCwd ?? '.');
    // Progress lines go to stderr when it is a terminal (or OMK_PROGRESS=1); stdout carries only the result.
    const progress = (stderr as { isTTY?: boolean }).isTTY === true || env.OMK_PROGRESS === '1';
    const ctx: CliContext = {
      cwd,
      env,
      paths: resolvePaths({ cwd, env }),
      stdout,
      stderr,
      isTTY: stdout.isTTY === true,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      log,
      now: () => new Date(),
      signal: abort.signal,
      version,
      ...(progress ? { progress: (line: string) => void stderr.write(`omk: ${line}\n`) } : {}),
    };
    status = await task(ctx);
  };
  const program = buildProgram(version, run, {
    writeOut: (s) => void stdout.write(s),
    writeErr: (s) => void stderr.write(s),
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    if (abort.signal.aborted && status === EXIT.ok) status = EXIT.interrupted;
  } catch (error) {
    status = reportError(error, stderr, env.OMK_DEBUG === '1');
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return status;
}

function reportError(error: unknown, stderr: NodeJS.WritableStream, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (isOmkError(error)) {
    stderr.write(`omk: error: ${error.message}\n`);
    if (error.hint) stderr.write(`  fix: ${error.hint}\n`);
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return exitStatusFor(error.code);
  }
  stderr.write(`omk: internal error: ${describeError(error)}\n`);
  stderr.write('  this is a bug in omk; run again with OMK_DEBUG=1 for a stack trace\n');
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

/** `--gate` may be given several times. */
function collectGate(value: string, previous: string[]): string[] {
  return [...previous, value];
}
