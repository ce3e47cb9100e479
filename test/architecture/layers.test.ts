import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// DESIGN.md: imports point one way. core <- engines/runtime <- app <- cli/tui/web/mcp.
// The surfaces (cli, tui, web, mcp) reach the runtime and the engines only through app/.
const SRC = path.resolve(__dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  engines: ['core', 'engines', 'runtime'],
  runtime: ['core', 'runtime'],
  app: ['core', 'engines', 'runtime', 'app'],
  // The CLI starts the REPL, the dashboard and the MCP server, so it may load them (lazily).
  cli: ['core', 'app', 'cli', 'tui', 'web', 'mcp'],
  tui: ['core', 'app', 'tui'],
  web: ['core', 'app', 'web'],
  mcp: ['core', 'app', 'mcp'],
};

// Surfaces never spawn a process or open the store themselves: they ask app/.
const SURFACES = ['cli', 'tui', 'web', 'mcp'];
const SURFACE_FORBIDDEN_MODULES = /^(node:)?child_process$|^better-sqlite3$|^postgres$/;

// Side effects core must not reach for: it declares interfaces, the outer layers implement them.
const CORE_FORBIDDEN_MODULES = /^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|os|worker_threads|cluster|readline|tty|process)$|^(better-sqlite3|postgres|react|ink|hono|@hono\/|@agentclientprotocol|@modelcontextprotocol|@octokit)/;
const CORE_FORBIDDEN_CALLS = [/\bDate\.now\(/, /\bnew Date\(\s*\)/, /\bprocess\.env\b/, /\bhomedir\(/, /\bprocess\.cwd\(/];

describe('layer boundaries', () => {
  const files = filesUnder(SRC);

  it('finds the source tree', () => {
    expect(files.some((f) => layerOf(f) === 'core')).toBe(true);
    expect(files.some((f) => layerOf(f) === 'cli')).toBe(true);
  });

  it('imports point one way only', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${path.relative(SRC, file)}: unknown layer folder "${from}"`);
        continue;
      }
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(SRC + path.sep)) {
          violations.push(`${path.relative(SRC, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (!allowed.includes(to)) violations.push(`${path.relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('surfaces (cli, tui, web, mcp) spawn no process and open no store: that is app/', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => SURFACES.includes(layerOf(f)))) {
      for (const spec of importsOf(file)) {
        if (SURFACE_FORBIDDEN_MODULES.test(spec)) violations.push(`${path.relative(SRC, file)} imports ${spec}`);
      }
      if (/\bopenStore\(/.test(readFileSync(file, 'utf8'))) violations.push(`${path.relative(SRC, file)} calls openStore`);
    }
    expect(violations).toEqual([]);
  });

  it('core has no I/O, clock, environment or UI imports', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => layerOf(f) === 'core')) {
      for (const spec of importsOf(file)) {
        if (CORE_FORBIDDEN_MODULES.test(spec)) violations.push(`${path.relative(SRC, file)} imports ${spec}`);
      }
      const text = readFileSync(file, 'utf8');
      for (const call of CORE_FORBIDDEN_CALLS) {
        if (call.test(text)) violations.push(`${path.relative(SRC, file)} uses ${call.source}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the checker itself catches an outward import', () => {
    // Guards against a regex that silently matches nothing.
    const specs = importsOf(path.join(SRC, 'cli', 'program.ts'));
    expect(specs).toContain('../app/context.js');
    expect(ALLOWED.cli).not.toContain('runtime');
  });
});
