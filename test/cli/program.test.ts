import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runOmk } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'omk.js');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

function omk(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
}

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((sub) => {
    const here = [...prefix, sub.name()];
    return [here, ...commandPaths(sub as Command, here)];
  });
}

describe('omk binary', () => {
  it('--version prints the package version and exits 0', () => {
    const r = omk(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('-V answers from the entry chunk, which imports the CLI framework only lazily', () => {
    const main = readFileSync(path.join(ROOT, 'dist', 'main.js'), 'utf8');
    // Static imports in the entry would load commander before --version answers.
    const staticImports = [...main.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(staticImports.filter((s) => !s!.startsWith('node:'))).toEqual([]);
    expect(main).toMatch(/import\(["']\.\/chunks\/program-/);
    expect(omk(['-V']).stdout).toBe(`${pkg.version}\n`);
  });

  it('an unknown command is a usage error with exit 2', () => {
    const r = omk(['no-such-command']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'no-such-command'");
  });

  it('an unknown option is a usage error with exit 2', () => {
    const r = omk(['doctor', '--no-such-flag']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--no-such-flag');
  });
});

describe('--help on every command', () => {
  const program = buildProgram('0.0.0-test', () => Promise.resolve()) as unknown as Command;
  const paths = commandPaths(program);
  const cwd = mkdtempSync(path.join(tmpdir(), 'omk-help-'));

  it('covers the command tree', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(expect.arrayContaining(['doctor', 'config show', 'events verify']));
  });

  it.each(paths.map((p) => [p.join(' '), p] as const))('omk %s --help', async (_name, argv) => {
    const r = await runOmk([...argv, '--help'], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Usage: omk ${argv.join(' ')}`);
    expect(r.stderr).toBe('');
  });
});
