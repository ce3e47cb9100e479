export * from './evidence.js';
export { collectGaps, computeVerdict, gatePassed, short, STATUS_PRECEDENCE } from './verdict.js';
export type { Gap, GapCause, Verdict } from './verdict.js';
export { buildProof, evidenceFromProof, proofJsonText } from './proof.js';
export type { BuildProofOptions } from './proof.js';
export { gateRunSchema, parseGateResultText, parseProofText, PROOF_VERSION, proofSchema } from './proof-schema.js';
export type { GateRunRecord, ParseResult, ProofDocument, SchemaProblem } from './proof-schema.js';
export { renderProofMarkdown } from './render-md.js';
