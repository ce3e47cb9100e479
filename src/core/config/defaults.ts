import { DEFAULT_PROGRESS_THRESHOLDS } from '../progress/types.js';
import type { OmkConfig } from './types.js';

/**
 * The built-in layer, lowest precedence. The three engines here make `defaults.engine = "kimi"`
 * resolve out of the box; users override any field of them, or add their own under `[engines.NAME]`.
 * The builtin engine's key comes from MOONSHOT_API_KEY, then KIMI_API_KEY, unless `api_key_env` is set.
 */
export function defaultConfig(): OmkConfig {
  // A fresh object each call: callers merge into it and must not share state.
  return {
    defaults: { engine: 'kimi', max_agents: 1, policy: 'local', merge_policy: 'disabled', approval: 'auto' },
    budget: {},
    approval: {},
    delivery: {},
    goal: {
      reuse_gate_runs: true,
      no_progress: {
        repeated_failure: DEFAULT_PROGRESS_THRESHOLDS.repeatedFailure,
        empty_diffs: DEFAULT_PROGRESS_THRESHOLDS.emptyDiffs,
        oscillations: DEFAULT_PROGRESS_THRESHOLDS.oscillations,
        no_improvement_window: DEFAULT_PROGRESS_THRESHOLDS.noImprovementWindow,
      },
    },
    chat: {
      router: 'auto',
      router_timeout: '20s',
      first_prompt_confidence: 0.85,
      min_confidence: 0.65,
      protected_paths: [],
      many_files: 5,
      ask_timeout: '60s',
      ask_default: 'cancel',
    },
    engines: {
      kimi: { protocol: 'acp', command: 'kimi', args: ['acp'] },
      'kimi-wire': { protocol: 'wire', command: 'kimi', args: ['--wire'] },
      builtin: {
        protocol: 'openai',
        base_url: 'https://api.moonshot.ai/v1',
        // A current Kimi model id (reference/protocols.md §4.1); change it in config, never in code.
        model: 'kimi-k2.6',
      },
    },
    gates: {},
    worktrees: { root: '.omk/worktrees' },
    dashboard: { port: 4777 },
    log: { level: 'warn' },
  };
}
