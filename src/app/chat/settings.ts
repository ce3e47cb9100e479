import { parseDuration } from '../../core/config/duration.js';
import type { ChatConfig } from '../../core/config/types.js';
import type { PreflightRules } from '../../core/chat/preflight.js';
import { OmkError } from '../../core/errors.js';

/** `[chat]` as the session uses it: durations in ms, thresholds checked (docs/config.md `[chat]`). */
export interface ChatSettings {
  useModel: boolean;
  routerEngine: string | undefined;
  routerTimeoutMs: number;
  rules: PreflightRules;
  askTimeoutMs: number;
  askDefault: ChatConfig['ask_default'];
  softCapUsd: number | undefined;
  hardCapUsd: number | undefined;
}

export function chatSettings(chat: ChatConfig): ChatSettings {
  for (const key of ['first_prompt_confidence', 'min_confidence'] as const) {
    if (!(chat[key] >= 0 && chat[key] <= 1)) {
      throw new OmkError('config_invalid', `chat.${key}: expected a number from 0 to 1, found ${String(chat[key])}`, { hint: `e.g. omk config set chat.${key} 0.8` });
    }
  }
  if (chat.cost_soft_usd !== undefined && chat.cost_hard_usd !== undefined && chat.cost_soft_usd > chat.cost_hard_usd) {
    throw new OmkError('config_invalid', `chat.cost_soft_usd (${chat.cost_soft_usd}) is above chat.cost_hard_usd (${chat.cost_hard_usd})`, { hint: 'the soft cap warns before the hard cap refuses: make it the smaller one' });
  }
  return {
    useModel: chat.router === 'auto',
    routerEngine: chat.router_engine,
    routerTimeoutMs: parseDuration(chat.router_timeout) ?? 20_000,
    rules: { firstPromptConfidence: chat.first_prompt_confidence, minConfidence: chat.min_confidence, protectedPaths: chat.protected_paths, manyFiles: chat.many_files },
    askTimeoutMs: parseDuration(chat.ask_timeout) ?? 60_000,
    askDefault: chat.ask_default,
    softCapUsd: chat.cost_soft_usd,
    hardCapUsd: chat.cost_hard_usd,
  };
}
