import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProcessTransport } from '../transport/process-transport.js';

/**
 * The SDK's client Transport over omk's ProcessTransport: the MCP server is a child in its own
 * process group, started through runtime/process (never a bare spawn), stopped with the same
 * close → SIGTERM → SIGKILL as an agent, its stderr kept for the error that names it.
 */
export class McpStdioTransport implements SdkTransport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  private readonly inner: ProcessTransport;

  constructor(options: { command: string; args?: string[]; cwd: string; env: Record<string, string>; onStderr?: (chunk: string) => void }) {
    this.inner = new ProcessTransport({ ...options, graceMs: 1000 });
    this.inner.onmessage = (message) => this.onmessage?.(message as JSONRPCMessage);
    this.inner.onerror = (error) => this.onerror?.(new Error(error.kind === 'garbage' ? `the MCP server wrote a line that is not JSON: ${error.line.slice(0, 200)}` : error.message));
    this.inner.onclose = () => this.onclose?.();
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close('closed');
  }

  stderrTail(): string {
    return this.inner.stderrTail();
  }
}
