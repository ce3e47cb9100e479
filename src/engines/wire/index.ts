export { startWireSession, startWire } from './start-wire-session.js';
export {
  defaultWireArgs,
  mcpConfigOf,
  WIRE_PROTOCOL_VERSION,
  LEGACY_WIRE_PROTOCOL_VERSION,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_CANCEL_TIMEOUT_MS,
  DEFAULT_CONTROL_TIMEOUT_MS,
} from './options.js';
export type { WireSession, WireSessionOptions, WireControlResult, WireClientCapabilities } from './options.js';
export { turnErrorOf, WIRE_ERROR } from './errors.js';
export { kindOfTool } from './tool-call.js';
export { WireEventMapper, tokenUsageOf } from './event-mapper.js';
export { WireRpc } from './rpc.js';
export type { RpcOutcome, RpcHandlers } from './rpc.js';
