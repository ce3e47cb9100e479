/**
 * The chat engine (docs/chat.md): router, routes, sessions, slash commands. Surfaces import this
 * module only (lazily: it is not on the path of `omk --version` or `omk goal status`).
 * Entry point: `openChat(ctx, options)` → `ChatSession` (types.ts).
 */
export type * from './types.js';
export { initialPane, reducePane, workerCounts } from '../../core/chat/pane.js';
export { paneWithGoal } from '../../core/chat/pane-goal.js';
export { openChat } from './session.js';
export { SLASH_COMMANDS } from './commands.js';
export { describeOutcome } from './request.js';
export { listSessions, type SessionSummary } from './session-files.js';
export { describeRoute } from '../../core/chat/preflight.js';
