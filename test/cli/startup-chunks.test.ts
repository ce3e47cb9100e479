import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// What each command loads at start-up, read from esbuild's metafile (dist/meta.json).
const ROOT = path.resolve(__dirname, '../..');

interface Output {
  entryPoint?: string;
  imports: Array<{ path: string; kind: string; external?: boolean }>;
  inputs: Record<string, unknown>;
}
let outputs: Record<string, Output>;

// dist/ is built by `npm test` (or test/global-setup.ts); rebuilding here would race other test files.
beforeAll(() => {
  outputs = (JSON.parse(readFileSync(path.join(ROOT, 'dist', 'meta.json'), 'utf8')) as { outputs: Record<string, Output> })
    .outputs;
});

/** Packages bundled into, or imported by, everything `entry` loads before its code runs (static imports only). */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const out = outputs[file];
    if (!out) return;
    for (const input of Object.keys(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) packages.add(m[1]!);
    }
    for (const imp of out.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) packages.add(imp.path);
      else visit(imp.path);
    }
  };
  visit(entry);
  return packages;
}

function chunkFor(source: string): string {
  const found = Object.entries(outputs).find(([, o]) => o.entryPoint === source);
  if (!found) throw new Error(`no chunk for ${source}`);
  return found[0];
}

const HEAVY = ['ink', 'react', 'hono', '@hono/node-server', '@agentclientprotocol/sdk', '@modelcontextprotocol/sdk', '@octokit/rest'];

describe('start-up cost per command', () => {
  it('the entry loads no package at all (so --version answers before commander)', () => {
    expect([...staticPackages('dist/main.js')].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('the command tree loads commander but nothing heavy', () => {
    const pkgs = staticPackages(chunkFor('src/cli/program.ts'));
    expect(pkgs.has('commander')).toBe(true);
    for (const heavy of [...HEAVY, 'zod', 'better-sqlite3', 'smol-toml']) expect(pkgs.has(heavy)).toBe(false);
  });

  it.each(['doctor', 'setup', 'config', 'completion', 'events', 'gates', 'engines'])('omk %s loads no UI, agent SDK or web server', (name) => {
    const pkgs = staticPackages(chunkFor(`src/cli/commands/${name}.ts`));
    for (const heavy of HEAVY) expect(pkgs.has(heavy)).toBe(false);
  });

  it('omk doctor loads SQLite only when it checks it', () => {
    expect(staticPackages(chunkFor('src/cli/commands/doctor.ts')).has('better-sqlite3')).toBe(false);
  });

  it('omk --version and omk goal status load none of the chat modules; omk chat loads them only in its own chunk', () => {
    const chatSources = (entry: string): string[] => {
      const seen = new Set<string>();
      const found: string[] = [];
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const out = outputs[file];
        if (!out) return;
        found.push(...Object.keys(out.inputs).filter((i) => i.startsWith('src/app/chat/') || i.startsWith('src/core/chat/')));
        for (const imp of out.imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
      };
      visit(entry);
      return found;
    };
    expect(chatSources('dist/main.js')).toEqual([]);
    expect(chatSources(chunkFor('src/cli/program.ts'))).toEqual([]);
    expect(chatSources(chunkFor('src/cli/commands/goal.ts'))).toEqual([]);
    // The chat command's own chunk is small: the engine is imported when a session opens.
    expect(chatSources(chunkFor('src/cli/commands/chat.ts'))).toEqual([]);
    const chat = Object.entries(outputs).find(([, o]) => Object.keys(o.inputs).includes('src/app/chat/session.ts'));
    expect(chat, 'the chat engine is bundled').toBeDefined();
  });
});
