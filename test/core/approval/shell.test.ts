import { describe, expect, it } from 'vitest';
import { matchesPattern, patternProblem } from '../../../src/core/approval/command-pattern.js';
import { analyzeCommand } from '../../../src/core/approval/invocations.js';
import { expandBraces } from '../../../src/core/approval/paths.js';
import { normalizeRequest } from '../../../src/core/approval/raw-input.js';
import { lexShell } from '../../../src/core/approval/shell-lexer.js';

const programs = (command: string): string[] => analyzeCommand(command).invocations.filter((i) => !i.carrier).map((i) => i.program);
const argvOf = (command: string): string[][] => analyzeCommand(command).invocations.map((i) => i.argv.map((w) => w.text));

describe('shell lexer', () => {
  it('removes quotes the way the shell does', () => {
    const words = lexShell(`a'b'"c"\\d $'\\x72m' "x\\"y"`).tokens.flatMap((t) => (t.t === 'word' ? [t.word.text] : []));
    expect(words).toEqual(['abcd', 'rm', 'x"y']);
  });

  it('reports unterminated quotes instead of guessing', () => {
    expect(lexShell(`echo 'oops`).problems).toEqual(['unterminated single quote']);
    expect(lexShell('echo "oops').problems).toEqual(['unterminated double quote']);
    expect(lexShell('echo $(oops').problems).toContain('unbalanced parenthesis');
  });

  it('reads a quoted here-document body as data', () => {
    const parsed = lexShell("cat > a.txt <<'EOF'\n$(rm -rf /)\nEOF\necho done");
    expect(parsed.problems).toEqual([]);
    const redir = parsed.tokens.find((t) => t.t === 'redir' && t.op === '<<');
    expect(redir).toMatchObject({ body: '$(rm -rf /)' });
  });

  it('refuses an unquoted here-document that runs substitutions', () => {
    expect(lexShell('cat <<EOF\n$(id)\nEOF').problems).toContain('a here-document body runs command substitutions');
  });
});

describe('invocations', () => {
  it('splits chains, pipes and subshells', () => {
    expect(programs('a && b || c; d | e & f\n(g; h)')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('lists substitutions before the command that uses them', () => {
    expect(programs('echo $(date) `whoami` <(ls)')).toEqual(['date', 'whoami', 'ls', 'echo']);
  });

  it('peels wrappers and assignments', () => {
    const [inv] = analyzeCommand('sudo -u root env -i FOO=1 timeout 5 nice -n 3 npm test').invocations;
    expect(inv).toMatchObject({ program: 'npm', wrappers: ['sudo', 'env', 'timeout', 'nice'] });
    expect(inv!.assignments.map((w) => w.text)).toEqual(['FOO=1']);
  });

  it('parses the scripts that shells, eval, xargs and find run', () => {
    expect(programs(`bash -lc 'cd x && make'`)).toEqual(['cd', 'make']);
    expect(programs(`eval "rm a"`)).toEqual(['rm']);
    expect(programs('ls | xargs -n1 rm -f')).toEqual(['ls', 'rm']);
    expect(argvOf('find src -name "*.o" -exec rm {} +').at(-1)).toEqual(['rm', 'src/{}']);
    expect(argvOf('find build -exec rm -rf {} \\;').at(-1)).toEqual(['rm', '-rf', 'build']);
  });

  it('drops control keywords but keeps the commands inside', () => {
    expect(programs('if test -f a; then rm a; else touch a; fi')).toEqual(['test', 'rm', 'touch']);
    expect(programs('for f in $(ls); do echo "$f"; done')).toEqual(['ls', 'echo']);
  });

  it('gives up on constructs it does not follow', () => {
    expect(analyzeCommand('f() { rm -rf /; }; f').problems).toContain('function definitions are not followed');
    expect(analyzeCommand('case $a in x) y;; esac').problems.length).toBeGreaterThan(0);
    expect(analyzeCommand('bash -c "$CMD"').problems.length).toBeGreaterThan(0);
  });
});

describe('command patterns', () => {
  const env = { sessionDir: '/s', homeDir: '/h', cwds: ['/s'] };
  const words = (text: string) => analyzeCommand(text).invocations[0]!.argv;

  it.each([
    ['npm test *', 'npm test', true],
    ['npm test *', 'npm test -- --run', true],
    ['npm test *', 'npm testing', false],
    ['npm run *', 'npm run build', true],
    ['npx vitest *', 'npx vitest run a.test.ts', true],
    ['eslint*', 'eslint_d', true],
    ['git status', 'git status --short', false],
    ['node <path> *', 'node scripts/gen.js --x', true],
    ['node <path> *', 'node /tmp/evil.js', false],
    ['node <path> *', 'node -e "x"', false],
    ['re:git (status|diff)( .*)?', 'git diff --stat', true],
    ['re:git (status|diff)', 'xgit status', false],
    ['git status *', '/usr/bin/git status', true],
  ])('%s vs %s → %s', (pattern, command, expected) => {
    expect(matchesPattern(pattern, words(command), env)).toBe(expected);
  });

  it('reports bad patterns', () => {
    expect(patternProblem('re:(')).toMatch(/invalid regular expression/);
    expect(patternProblem(' ')).toMatch(/empty/);
    expect(patternProblem('npm *')).toBeUndefined();
  });
});

describe('helpers', () => {
  it('expands comma braces', () => {
    expect(expandBraces('src/{a,b}.{ts,js}')).toEqual(['src/a.ts', 'src/a.js', 'src/b.ts', 'src/b.js']);
    expect(expandBraces('{1..3}')).toEqual(['{1..3}']);
  });

  it('reads paths and commands out of raw tool input', () => {
    const req = normalizeRequest({ kind: 'execute', paths: [], raw: { command: ['/bin/bash', '-lc', 'npm test'], cwd: 'pkg', file_path: '/x/y' } });
    expect(req.commands).toEqual(["/bin/bash -lc 'npm test'"]);
    expect(req.paths).toEqual(['/x/y']);
    expect(req.cwd).toBe('pkg');
    expect(normalizeRequest({ kind: 'fetch', paths: [], raw: { url: 'https://a', path: 'https://b' } }).paths).toEqual([]);
  });
});
