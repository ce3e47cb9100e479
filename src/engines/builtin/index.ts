export { startBuiltinSession, BUILTIN_PROTOCOL_VERSION } from './start.js';
export { DEFAULT_API_KEY_ENVS, DEFAULT_BASE_URL } from './options.js';
export type { BashToolOptions, BuiltinSessionOptions, RetryPolicy } from './options.js';
export { toolDefinitions, TOOL_NAMES } from './tools/schemas.js';
export type { BuiltinToolName, JsonSchema, ToolDefinition } from './tools/schemas.js';
export { normaliseUsage } from './usage.js';
export { SseDecoder } from './sse.js';
