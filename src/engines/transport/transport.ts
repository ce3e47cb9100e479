/**
 * The one transport interface every agent connection sits behind (STYLE §4): messages in, messages
 * out, one close. Framing (ndjson.ts), process management (process-transport.ts), recording and
 * replay are separate implementations or wrappers of it.
 *
 * Contract:
 * - Set the callbacks before `start()`. `onmessage` is called in arrival order, synchronously from
 *   the read loop, so a consumer sees messages in exactly the order the peer sent them.
 * - `onerror` is for non-fatal problems (a line that is not JSON, a failed write); the transport
 *   keeps going.
 * - `onclose` is called exactly once, whether the peer exited, the stream ended or `close()` was
 *   called. No callback is called after it.
 * - `close()` is idempotent, never rejects, and resolves when the peer is gone.
 */
export interface Transport {
  onmessage?: (message: unknown) => void;
  onerror?: (error: TransportError) => void;
  onclose?: (info: TransportCloseInfo) => void;
  /** Connects (spawns the child, opens the transcript). Rejects with an `OmkError` when it cannot. */
  start(): Promise<void>;
  /** Sends one message. Rejects when the transport is closed or the write failed. */
  send(message: unknown): Promise<void>;
  close(reason?: string): Promise<void>;
  /** Process id of the peer, when it is a child process. */
  readonly pid: number | undefined;
  /** The last few KiB of the peer's stderr (empty when there is none). */
  stderrTail(): string;
}

/** A non-fatal transport problem. */
export type TransportError =
  | { kind: 'garbage'; line: string; message: string }
  | { kind: 'write'; message: string }
  | { kind: 'replay_mismatch'; message: string; expected?: unknown; actual?: unknown };

/** Why a transport closed. */
export interface TransportCloseInfo {
  /** `closed`: our `close()`; `exited`: the peer process ended or its stdout closed on its own. */
  reason: 'closed' | 'exited';
  exitCode?: number | null;
  signal?: string | null;
  /** Last stderr lines at close time. */
  stderrTail?: string;
  /** Set when the peer could not be started or the stream failed. */
  error?: string;
}
