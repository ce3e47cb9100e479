export { startAcpSession, toAcpMcpServer, ACP_PROTOCOL_VERSION } from './start-acp-session.js';
export { DEFAULT_CANCEL_TIMEOUT_MS, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './options.js';
export type { AcpSessionOptions, UsageReader } from './options.js';
export { kimiCodeLaunch, kimiCodeUsageReader, KIMI_CODE_INSTALL_HINT } from './kimi-code.js';
export type { KimiCodeLaunch, KimiCodeLaunchOptions } from './kimi-code.js';
export { geminiCliLaunch } from './gemini-cli.js';
export type { GeminiCliLaunch, GeminiCliLaunchOptions } from './gemini-cli.js';
