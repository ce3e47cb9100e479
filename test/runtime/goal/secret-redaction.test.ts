import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOmk } from '../../helpers/cli.js';
import { commitFiles, useFakeAgent } from './parallel-repo.js';
import { FIXED_MATH, sampleRepo, type SampleRepo } from './sample-repo.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) return [];
    return st.isDirectory() ? filesUnder(file) : st.isFile() ? [file] : [];
  });
}

/** Letters and digits only, so no pattern matches the bare value: only omk's knowledge of where it came from can remove it. */
const opaque = (n: number): string => `Q${randomBytes(n).toString('hex')}7x`;

describe('secrets read by an agent, echoed from the environment, or pasted into the request reach no record', () => {
  let repo: SampleRepo;
  // Fresh values per run: the redactor's known values live for the process, so reused ones would pass by accident.
  const fileKey = `sk-${randomBytes(24).toString('hex')}`;
  const yamlValue = opaque(12);
  const envToken = opaque(14);
  const promptToken = `ghp_${randomBytes(18).toString('hex')}`;
  const secrets = { fileKey, yamlValue, envToken, promptToken };

  beforeEach(() => {
    repo = sampleRepo();
    commitFiles(repo, { 'math.js': FIXED_MATH, 'notes.txt': `deploy with ${fileKey}\n`, 'settings.yml': `service:\n  api_key: ${yamlValue}\n` }, 'settings');
  });
  afterEach(() => repo.cleanup());

  it('no file under .omk/ or the state home holds any of them, nor does `goal show`', async () => {
    useFakeAgent(repo, [{ id: 'part-a', write: ['a.js'] }], {
      'part-a ': [
        { run: { command: 'cat notes.txt settings.yml' } },
        { run: { command: 'echo "token=$SERVICE_TOKEN"; echo "$SERVICE_TOKEN"' } },
        { edit: { path: 'a.js', content: 'export const a = 1;\n' } },
        { say: `I read the key ${yamlValue} and the token ${envToken}, and the deploy key ${fileKey}.` },
      ],
    });
    const config = path.join(repo.root, '.omk', 'config.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('protocol = "acp"', 'protocol = "acp"\npass_env = ["SERVICE_TOKEN"]'));
    const env = { ...repo.env, SERVICE_TOKEN: envToken };
    const r = await runOmk(['goal', 'run', `add a.js; the registry token is ${promptToken}`, '--json'], { cwd: repo.root, env });
    const out = JSON.parse(r.stdout) as { goal_id: string; goal_dir: string };
    // The agent really saw them: the transcript shows the commands ran and printed something in their place.
    const transcript = readFileSync(path.join(out.goal_dir, 'transcripts', 'part-a', '1.jsonl'), 'utf8');
    expect(transcript).toContain('cat notes.txt settings.yml');
    expect(transcript).toContain('[REDACTED]');
    const show = await runOmk(['goal', 'show', out.goal_id, '--json'], { cwd: repo.root, env });
    const list = await runOmk(['goal', 'list', '--json'], { cwd: repo.root, env });
    // Not the test's own scenario file, nor the repository's files checked out in worktrees (the user's own files, unchanged).
    const checkedOut = (file: string): boolean => {
      const rel = path.relative(path.join(repo.root, '.omk', 'worktrees'), file).split(path.sep).slice(2).join('/');
      return rel !== '' && !rel.startsWith('..') && ['notes.txt', 'settings.yml'].includes(rel) && readFileSync(file, 'utf8') === readFileSync(path.join(repo.root, rel), 'utf8');
    };
    const places = [...filesUnder(path.join(repo.root, '.omk')), ...filesUnder(repo.home)].filter((f) => path.basename(f) !== 'scenario.json' && !checkedOut(f));
    expect(places.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      for (const file of places) if (readFileSync(file).includes(value)) leaks.push(`${name} in ${path.relative(repo.root, file)}`);
      for (const [what, text] of [['goal run', r.stdout + r.stderr], ['goal show', show.stdout], ['goal list', list.stdout]] as const) {
        if (text.includes(value)) leaks.push(`${name} in \`${what}\``);
      }
    }
    expect(leaks).toEqual([]);
  });
});
