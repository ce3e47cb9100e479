import { readFileSync } from 'node:fs';
import { OmkError } from '../../core/errors.js';
import { parseEventLog, type ParsedLog } from '../../core/events/parse-log.js';

export interface EventLogRead extends ParsedLog {
  file: string;
  /** False when the file does not exist (an empty log). */
  exists: boolean;
}

/**
 * Reads an events.jsonl file. Never throws on content: a torn last line, garbage lines
 * and duplicates are counted in `stats` (see parse-log.ts). Throws `io` only when the
 * file exists but cannot be read.
 */
export function readEventLog(file: string): EventLogRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      return { file, exists: false, ...parseEventLog('') };
    }
    throw new OmkError('io', `cannot read ${file}`, { cause: error });
  }
  return { file, exists: true, ...parseEventLog(text) };
}
