import { OmkError } from '../errors.js';
import type { McpServerConfig } from './types.js';

/** An MCP server as engines receive it (engines/session.ts `McpServerSpec` has the same shape). */
export type McpServerLaunch =
  | { type?: 'stdio'; name: string; command: string; args?: string[]; env?: Record<string, string> }
  | { type: 'http' | 'sse'; name: string; url: string; headers?: Record<string, string> };

export interface ResolvedMcpServers {
  servers: McpServerLaunch[];
  /** Secrets, redacted wherever they could be written: values from `${VAR}` references, header values, env values named like credentials. */
  secrets: string[];
}

/** Env names whose literal values are credentials too, not only `${VAR}` references. */
const SECRET_NAME = /token|secret|key|pass|auth|cred/i;
const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `[mcp.servers.NAME]` → launch specs. `env` and `headers` values may name variables (`"Bearer
 * ${DOCS_TOKEN}"`): they are resolved from omk's environment only here, when a session starts, so the
 * config file never holds the secret and the resolved values are known for redaction.
 */
export function resolveMcpServers(config: Readonly<Record<string, McpServerConfig>>, env: Readonly<Record<string, string | undefined>>): ResolvedMcpServers {
  const secrets: string[] = [];
  const servers: McpServerLaunch[] = [];
  for (const [name, server] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    const key = `mcp.servers.${name}`;
    const expand = (table: Record<string, string> | undefined, field: string): Record<string, string> | undefined => {
      if (table === undefined) return undefined;
      const out: Record<string, string> = {};
      for (const [k, value] of Object.entries(table)) {
        out[k] = value.replace(REF, (_m, variable: string) => {
          const resolved = env[variable];
          if (resolved === undefined || resolved === '') {
            throw new OmkError('config_invalid', `${key}.${field}.${k} refers to \${${variable}}, which is not set`, { hint: `export ${variable}=… before starting omk, or remove ${key}.${field}.${k}` });
          }
          secrets.push(resolved);
          return resolved;
        });
      }
      return out;
    };
    if ((server.command === undefined) === (server.url === undefined)) {
      throw new OmkError('config_invalid', `${key} needs exactly one of \`command\` (a stdio server) or \`url\` (an HTTP server)`, { hint: `e.g. [${key}] command = "npx" args = ["-y", "some-mcp-server"], or url = "https://…/mcp"` });
    }
    if (server.command !== undefined) {
      if (server.url !== undefined || server.headers !== undefined || server.transport !== undefined) {
        throw new OmkError('config_invalid', `${key}: \`headers\` and \`transport\` are for url servers, not command ones`);
      }
      const envTable = expand(server.env, 'env');
      for (const [k, v] of Object.entries(envTable ?? {})) if (SECRET_NAME.test(k)) secrets.push(v);
      servers.push({ name, command: server.command, ...(server.args ? { args: [...server.args] } : {}), ...(envTable ? { env: envTable } : {}) });
    } else {
      if (server.args !== undefined || server.env !== undefined) throw new OmkError('config_invalid', `${key}: \`args\` and \`env\` are for command servers, not url ones`);
      if (!/^https?:\/\//.test(server.url!)) throw new OmkError('config_invalid', `${key}.url must be an http(s) URL, got ${JSON.stringify(server.url)}`);
      const headers = expand(server.headers, 'headers');
      // Headers carry credentials (Authorization, API keys): every value is treated as one.
      secrets.push(...Object.values(headers ?? {}), ...Object.values(headers ?? {}).map((v) => v.replace(/^\S+\s+/, '')));
      servers.push({ type: server.transport ?? 'http', name, url: server.url!, ...(headers ? { headers } : {}) });
    }
  }
  return { servers, secrets };
}

/** The MCP tool name a model sees: `mcp__SERVER__TOOL` (letters, digits, `_` and `-` only, at most 64 characters). */
export function mcpToolName(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
