import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AppContext } from '../../app/context.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The app context for one tool call: aborted when the server stops or the client cancels the request. */
export function callContext(ctx: AppContext, extra: ToolExtra, extraSignal?: AbortSignal): AppContext {
  const signals = [ctx.signal, extra.signal, ...(extraSignal ? [extraSignal] : [])];
  return { ...ctx, signal: AbortSignal.any(signals) };
}

/** Sends `notifications/progress` when the client asked for progress (`_meta.progressToken`); a failed send is dropped. */
export function progressReporter(extra: ToolExtra): ((progress: number, message: string) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  return (progress, message) => {
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => undefined);
  };
}
