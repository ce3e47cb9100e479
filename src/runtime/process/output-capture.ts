import { StringDecoder } from 'node:string_decoder';

/** The captured text of one stream, capped. */
export interface CapturedOutput {
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface OutputCapture {
  push(chunk: Buffer): void;
  finish(): CapturedOutput;
}

/**
 * Keeps at most `maxBytes` of a stream: the first half and the last half, so both the command
 * line that started a failure and the summary at its end survive. Bytes are decoded only at the
 * end, with both cut points moved to UTF-8 character boundaries.
 */
export function createOutputCapture(maxBytes: number): OutputCapture {
  const headCap = Math.floor(maxBytes / 2);
  const tailCap = maxBytes - headCap;
  const head: Buffer[] = [];
  let headLen = 0;
  // Tail chunks in arrival order; the oldest are dropped once the rest still cover tailCap.
  const tail: Buffer[] = [];
  let tailLen = 0;
  let total = 0;

  return {
    push(chunk) {
      total += chunk.length;
      let rest = chunk;
      if (headLen < headCap) {
        const take = Math.min(headCap - headLen, rest.length);
        head.push(rest.subarray(0, take));
        headLen += take;
        rest = rest.subarray(take);
      }
      if (rest.length === 0) return;
      tail.push(rest);
      tailLen += rest.length;
      while (tail.length > 1 && tailLen - tail[0]!.length >= tailCap) {
        tailLen -= tail.shift()!.length;
      }
    },
    finish() {
      const headBuf = Buffer.concat(head);
      const tailAll = Buffer.concat(tail);
      if (total <= maxBytes) {
        const decoder = new StringDecoder('utf8');
        const text = decoder.write(Buffer.concat([headBuf, tailAll])) + decoder.end();
        return { text, bytes: total, truncated: false };
      }
      const tailBuf = skipContinuationBytes(tailAll.subarray(tailAll.length - tailCap));
      // write() without end() holds back a character cut at the head's end instead of mangling it.
      const headText = new StringDecoder('utf8').write(headBuf);
      const omitted = total - headBuf.length - tailBuf.length;
      const marker = `\n[omk: ${omitted} bytes omitted; ${total} bytes in all]\n`;
      return { text: headText + marker + tailBuf.toString('utf8'), bytes: total, truncated: true };
    },
  };
}

/** Drops leading UTF-8 continuation bytes (10xxxxxx), i.e. the rest of a character cut in half. */
function skipContinuationBytes(buf: Buffer): Buffer {
  let i = 0;
  while (i < buf.length && i < 4 && (buf[i]! & 0xc0) === 0x80) i++;
  return buf.subarray(i);
}

/**
 * Decodes a stream for a caller's callback. Chunk boundaries never split a character, and the
 * first throw from the callback is recorded and stops further calls, so a broken listener cannot
 * take the process lifecycle (and its cleanup) down with it.
 */
export function createChunkForwarder(
  callback: ((chunk: string) => void) | undefined,
  onError: (error: unknown) => void,
): { write(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let broken = callback === undefined;
  const emit = (text: string): void => {
    if (broken || text === '') return;
    try {
      callback!(text);
    } catch (error) {
      broken = true;
      onError(error);
    }
  };
  return {
    write: (chunk) => emit(decoder.write(chunk)),
    end: () => emit(decoder.end()),
  };
}
