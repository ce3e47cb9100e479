import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { BIN, spawnOmk, type Child } from '../runtime/goal/cli-child.js';

/** The SDK's own client on `omk mcp serve` over stdio: the built binary as a real child process. */
export async function stdioClient(cwd: string, env: Record<string, string | undefined>, args: string[] = []): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', 'serve', ...args], cwd, env: env as Record<string, string>, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const client = new Client({ name: 'omk-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

/** `omk mcp serve --http` as a child: waits for its `{url, token}` line. */
export async function httpServer(cwd: string, env: Record<string, string | undefined>, args: string[] = []): Promise<{ child: Child; url: string; token: string }> {
  const child = spawnOmk(['mcp', 'serve', '--http', ...args], cwd, env);
  let out = '';
  const info = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      try {
        resolve(JSON.parse(out) as { url: string; token: string });
      } catch {
        // not the whole document yet
      }
    });
    void child.done.then((d) => reject(new Error(`omk mcp serve --http exited ${String(d.code)}: ${d.stderr}`)));
  });
  return { child, ...info };
}

export async function httpClient(url: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'omk-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A tool call with progress notifications collected; the request timeout is reset by each one. */
export async function callWithProgress(client: Client, name: string, args: Record<string, unknown>): Promise<{ result: CallToolResult; progress: Progress[] }> {
  const progress: Progress[] = [];
  const result = (await client.callTool({ name, arguments: args }, undefined, { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true, timeout: 120_000 })) as CallToolResult;
  return { result, progress };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}
