/** `omk goal diagnose`: the no-progress / loop report from a goal's event log (docs/goals.md). */
export { diagnoseGoal } from './analyse.js';
export type { DiagnoseInput } from './analyse.js';
export { attemptHistory, loadAttemptPatches, patchKey } from './history.js';
export type { PendingAttempt } from './history.js';
export { loadDiagnosedRuns } from './load.js';
export { renderDiagnosis } from './render.js';
export type * from './report.js';
export { gateFailureSignature } from './signature.js';
export type { GateFailureSignature, SignatureFacts } from './signature.js';
