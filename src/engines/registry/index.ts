/**
 * The engine registry: omk's presets (kimi, kimi-wire, codex, claude, gemini, builtin) merged with
 * `[engines.NAME]` from config, availability checks, handshake probes, and one `startEngineSession`
 * that dispatches to the ACP, Wire or builtin adapter. See docs/engines.md "Engine registry".
 */
export { engineNames, listEngines, resolveEngine } from './resolve.js';
export type { EngineSpec } from './resolve.js';
export { engineAvailability } from './availability.js';
export type { EngineAvailability } from './availability.js';
export { startEngineSession } from './start.js';
export type { StartEngineOptions } from './start.js';
export { DEFAULT_PROBE_TIMEOUT_MS, probeEngine } from './probe.js';
export type { ProbeOptions, ProbeResult, ProbeStatus } from './probe.js';
export { DEFAULT_MODEL_PRICES, resolvePricing } from './pricing.js';
export type { ModelPrice, ResolvedPricing } from './pricing.js';
