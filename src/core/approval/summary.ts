import { redactSecrets } from '../redact.js';
import type { ApprovalRequest } from './types.js';

const MAX = 240;

/** One short, redacted line saying what was asked: the command, or the kind and its paths. */
export function summarizeRequest(request: ApprovalRequest): string {
  let text: string;
  if (request.kind === 'execute' && request.command !== undefined && request.command.trim() !== '') {
    text = request.command.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  } else if (request.paths.length > 0) {
    text = `${request.kind} ${request.paths.join(', ')}`;
  } else {
    text = request.title !== undefined && request.title.trim() !== '' ? `${request.kind}: ${request.title.trim()}` : request.kind;
  }
  text = redactSecrets(text);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}
