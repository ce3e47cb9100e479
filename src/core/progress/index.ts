export * from './detect.js';
export * from './detectors.js';
export * from './diff-fingerprint.js';
export * from './signature.js';
export * from './types.js';
export * from './wording.js';
export * from './from-config.js';
