export { createOmkMcpServer, type OmkMcpServerOptions } from './server.js';
export { startMcpHttpServer, MCP_PATH, MCP_TOKEN_ENV, type McpHttpServer } from './http.js';
export { serveMcpStdio } from './stdio.js';
