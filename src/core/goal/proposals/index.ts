/** Agent task proposals: extraction from a final message and validation against the graph (docs/task-graph.md). */
export { extractProposals, MAX_PROPOSAL_JSON_LENGTH, MAX_PROPOSALS_PER_MESSAGE, PROPOSAL_MARKER } from './extract.js';
export type { ExtractedProposal, Extraction, ExtractOptions, MalformedProposal } from './extract.js';
export { malformedProblems, proposalsFromMessage, PUBLISH_PATTERNS, validateProposals } from './validate.js';
export type { MessageProposals, ProposalContext, ProposalOutcome, ProposalRejection } from './validate.js';
