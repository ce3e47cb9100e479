import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, runCli } from '../../src/cli/program.js';

let dir: string;
const scripts: Record<string, string> = {};

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'omk-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const out = sink();
    const status = await runCli(['completion', shell], '0.0.0-test', { cwd: dir, env: { HOME: dir }, stdout: out.stream, stderr: sink().stream });
    expect(status).toBe(0);
    scripts[shell] = out.text();
    await writeFile(path.join(dir, `omk.${shell}`), out.text());
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bash completion function for a command line ending at the cursor. */
function completeBash(...words: string[]): string[] {
  const script = `source ${JSON.stringify(path.join(dir, 'omk.bash'))}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_omk; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('omk completion', () => {
  it('mentions the whole command tree in every shell', () => {
    for (const script of Object.values(scripts)) {
      for (const word of ['doctor', 'setup', 'config', 'show', 'validate', 'completion', 'events', 'verify', 'json', 'cwd']) {
        expect(script).toContain(word);
      }
    }
  });

  it('bash: the script is valid and completes subcommands, options and choices', () => {
    execFileSync('bash', ['-n', path.join(dir, 'omk.bash')]);
    // Every top-level command, in the order the program declares them, then `help`.
    const topLevel = buildProgram('0.0.0-test', () => Promise.resolve()).commands.map((c) => c.name());
    expect(completeBash('omk', '')).toEqual([...topLevel, 'help']);
    expect(topLevel).toEqual(expect.arrayContaining(['doctor', 'setup', 'config', 'completion', 'events']));
    expect(completeBash('omk', 'con')).toEqual(['config']);
    expect(completeBash('omk', 'config', 's')).toEqual(['show', 'set']);
    expect(completeBash('omk', '-C', '/tmp', 'config', 'show', '--')).toEqual(['--json', '--help', '--cwd']);
    expect(completeBash('omk', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(completeBash('omk', 'config', 'set', '--p')).toEqual(['--project']);
  });

  it.skipIf(!has('zsh'))('zsh: the script parses', () => {
    execFileSync('zsh', ['-n', path.join(dir, 'omk.zsh')]);
  });

  it.skipIf(!has('fish'))('fish: the script parses', () => {
    execFileSync('fish', ['--no-execute', path.join(dir, 'omk.fish')]);
  });

  it('zsh and fish scripts register for omk', () => {
    expect(scripts.zsh).toMatch(/^#compdef omk/);
    expect(scripts.zsh).toContain('compdef _omk omk');
    expect(scripts.fish).toContain("complete -c omk -n \"__omk_at 'config'\" -a 'show'");
    expect(scripts.fish).toContain("complete -c omk -n \"__omk_at 'config show'\" -l json");
  });

  it('rejects an unknown shell as a usage error', async () => {
    const err = sink();
    const status = await runCli(['completion', 'tcsh'], '0.0.0-test', { cwd: dir, env: { HOME: dir }, stdout: sink().stream, stderr: err.stream });
    expect(status).toBe(2);
    expect(err.text()).toContain('tcsh');
  });
});
