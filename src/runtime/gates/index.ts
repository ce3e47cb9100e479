export { gateRunKey, runGate, type RunGateOptions } from './run-gate.js';
export { runGates, type GateSetRun } from './run-gates.js';
export { loadGates, type GateSet, type LoadGatesInputs } from './load-gates.js';
export { inspectRepo } from './inspect-repo.js';
export { workingTreeSha, type TreeShaResult } from './tree-sha.js';
export { gateEnv, GATE_ENV_NAMES } from './gate-env.js';
export { admitGate, recordGateOutcome, resetGateBreaker, type BreakerContext } from './breaker-store.js';
export { runDirectory } from './artifacts.js';
