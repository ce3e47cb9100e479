export { digestArtifacts, readArtifact, sha256Bytes } from './artifacts.js';
export type { ArtifactRead } from './artifacts.js';
export { writeProof } from './write-proof.js';
export type { WriteProofInput, WriteProofResult } from './write-proof.js';
export { verifyProof } from './verify-proof.js';
export type { MismatchKind, ProofMismatch, ProofVerifyReport, VerifyProofInput } from './verify-proof.js';
