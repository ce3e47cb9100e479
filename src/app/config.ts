/**
 * `omk config show|validate|set|path`: the layered configuration (defaults < user < project <
 * `OMK_*` variables) as the surfaces see it (docs/config.md). Reading never writes; `set` edits one
 * file, keeping its comments.
 */
export { inspectConfig, loadConfig, throwIfProblems } from '../runtime/config/load-config.js';
export { setConfigValue } from '../runtime/config/set-config-value.js';
