import { describe, expect, it } from 'vitest';
import { checkNewDependencies } from '../../../src/core/review/dependencies.js';
import { checkDiffSize } from '../../../src/core/review/diff-size.js';
import { scanSecrets } from '../../../src/core/review/secret-scan.js';
import { checkConflictMarkers, checkStubMarkers } from '../../../src/core/review/stub-markers.js';
import { checkDeletedTests, checkSkippedTests, checkWeakenedTests } from '../../../src/core/review/test-checks.js';
import { reviewFiles, type FileChange } from './helpers.js';

const brief = (r: { findings: Array<{ severity: string; rule: string; file: string | null; line: number | null }> }) =>
  r.findings.map((f) => [f.severity, f.rule, f.file, f.line]);

// Built at run time so this file itself does not hold secret-shaped strings.
const AWS = ['AKIA', 'QX7Z3KDN2M4PL8RT'].join('');
const GH = ['ghp_', 'R4nd0mT0k3nV4lu3xYzAbCdEfGhIjKlMnOpQ1'].join('');
const NAMED = 'Zx8kQ2mP9vL4nR7t';
const PEM = ['-----BEGIN RSA ', 'PRIVATE KEY-----'].join('');
const LITERAL = 'q8Zr2LmX5vTb9NcW1kYp4HdS7jFg3QeA6uRi0oPz';

describe('secret scan', () => {
  const cases: Array<[string, FileChange[], Array<[string, string, string | null, number | null]>]> = [
    ['an AWS key in an added config line', [{ path: 'src/config.ts', start: 10, added: ['export const region = "eu-west-1";', `export const awsKey = "${AWS}";`] }], [['fail', 'aws_access_key', 'src/config.ts', 11]]],
    ['a GitHub token in a workflow', [{ path: '.github/workflows/ci.yml', added: [`      GITHUB_TOKEN: ${GH}`] }], [['fail', 'github_token', '.github/workflows/ci.yml', 1]]],
    ['a literal assigned to a secret-like name', [{ path: 'app/settings.py', added: [`DB_PASSWORD = "${NAMED}"`] }], [['fail', 'secret_assignment', 'app/settings.py', 1]]],
    [
      'a private key in an added .pem file',
      [{ path: 'deploy/server.pem', status: 'added', added: [PEM, 'MIIEowIBAAKCAQEA'] }],
      [['fail', 'credential_file', 'deploy/server.pem', null], ['fail', 'private_key', 'deploy/server.pem', 1]],
    ],
    ['an added .env file', [{ path: '.env', status: 'added', added: ['DEBUG=1'] }], [['fail', 'credential_file', '.env', null]]],
    ['a high-entropy literal with no telling name', [{ path: 'src/client.ts', added: [`const blob = "${LITERAL}";`] }], [['warn', 'high_entropy_literal', 'src/client.ts', 1]]],
    [
      'placeholders, environment reads, hashes and lock files are not secrets',
      [
        { path: 'src/config.ts', added: ['API_KEY = "changeme"', 'const password = process.env.DB_PASSWORD;', 'const token = "${TOKEN}";', `const digest = "${'ab12'.repeat(16)}";`] },
        { path: '.env.example', status: 'added', added: ['API_KEY=your-key-here'] },
        { path: 'package-lock.json', added: [`"integrity": "sha512-${LITERAL}${LITERAL}"`] },
      ],
      [],
    ],
    ['a secret that was removed is not reported', [{ path: 'src/config.ts', removed: [`export const awsKey = "${AWS}";`] }], []],
  ];
  it.each(cases)('%s', (_name, changes, expected) => {
    expect(brief(scanSecrets(reviewFiles(changes)))).toEqual(expected);
  });

  it('never echoes the secret', () => {
    const r = scanSecrets(
      reviewFiles([
        { path: 'src/config.ts', added: [`const awsKey = "${AWS}";`, `const gh = "${GH}";`, `password = "${NAMED}"`, `const b = "${LITERAL}";`, PEM] },
      ]),
    );
    expect(r.findings).toHaveLength(5);
    const text = JSON.stringify(r);
    for (const secret of [AWS, GH, NAMED, LITERAL, AWS.slice(4), GH.slice(4, 20)]) expect(text).not.toContain(secret);
    expect(r.findings[0]!.message).toBe('src/config.ts:1: AWS access key id added');
  });
});

describe('diff size', () => {
  const many = (n: number, lines = 1): FileChange[] =>
    Array.from({ length: n }, (_, i) => ({ path: `src/f${i}.ts`, added: Array.from({ length: lines }, (_x, j) => `export const v${j} = ${j};`) }));
  it.each([
    ['a small change', many(3, 10), []],
    ['more files than the warning threshold', many(30), [['warn', 'files', null, null]]],
    ['more files than the failure threshold', many(120), [['fail', 'files', null, null]]],
    ['more lines than the warning threshold', many(2, 600), [['warn', 'lines', null, null]]],
  ] as const)('%s', (_name, changes, expected) => {
    expect(brief(checkDiffSize(reviewFiles(changes)))).toEqual(expected);
  });

  it('takes thresholds and does not count lock files', () => {
    const files = reviewFiles([...many(2, 50), { path: 'package-lock.json', added: Array.from({ length: 900 }, (_, i) => `"x${i}": 1,`) }]);
    const r = checkDiffSize(files, { warnLines: 40, failLines: 80 });
    expect(brief(r)).toEqual([['fail', 'lines', null, null]]);
    expect(r.findings[0]!.message).toBe('100 lines changed (more than 80)');
    expect(r.evidence).toBe('diff size: 3 files, 100 changed lines (1 lock files not counted)');
  });
});

describe('deleted tests', () => {
  it.each([
    ['a deleted test file', [{ path: 'test/limit.test.ts', status: 'deleted', removed: ["it('limits', () => {", '  expect(limit(5)).toBe(5);', '});'] }], [['fail', 'test_file_deleted', 'test/limit.test.ts', null]]],
    [
      'test cases removed from a test file',
      [{ path: 'tests/test_api.py', start: 12, removed: ['def test_rejects_negative():', '    assert clamp(-1) == 0', 'def test_caps():', '    assert clamp(500) == 100'] }],
      [['fail', 'test_cases_removed', 'tests/test_api.py', 12]],
    ],
    ['a renamed test case', [{ path: 'src/limit.test.ts', removed: ["it('limit works', () => {"], added: ["it('caps at 100', () => {"] }], []],
    ['a deleted source file', [{ path: 'src/legacy.ts', status: 'deleted', removed: ['export {};'] }], []],
  ] as Array<[string, FileChange[], unknown[]]>)('%s', (_name, changes, expected) => {
    expect(brief(checkDeletedTests(reviewFiles(changes)))).toEqual(expected);
  });
});

describe('skipped and focused tests', () => {
  // The rows below are diff lines fed to the review wall's check; none of them is a test of ours.
  it.each([
    ['it.only', 'src/limit.test.ts', "  it.only('caps', () => {", [['fail', 'focused_test', 'src/limit.test.ts', 1]]],
    ['describe.skip', 'test/api.spec.ts', "describe.skip('api', () => {", [['fail', 'skipped_test', 'test/api.spec.ts', 1]]],
    ['xit', 'test/api.spec.js', "  xit('slow path', async () => {", [['fail', 'skipped_test', 'test/api.spec.js', 1]]],
    ['pytest skip', 'tests/test_api.py', '@pytest.mark.skip(reason="flaky")', [['fail', 'skipped_test', 'tests/test_api.py', 1]]],
    ['rust ignore in a source file', 'src/limit.rs', '    #[ignore]', [['fail', 'skipped_test', 'src/limit.rs', 1]]],
    ['go t.Skip', 'pkg/limit/limit_test.go', '\tt.Skip("later")', [['fail', 'skipped_test', 'pkg/limit/limit_test.go', 1]]],
    ['pytest xfail: its failure no longer counts', 'tests/test_api.py', '@pytest.mark.xfail', [['fail', 'expected_failure', 'tests/test_api.py', 1]]],
    ['it.todo is a warning (a test not written yet)', 'test/api.test.ts', "  it.todo('handles bursts');", [['warn', 'todo_test', 'test/api.test.ts', 1]]],
    ['.skip( outside tests is not a test skip', 'src/stream.ts', '  return reader.skip(4);', []],
  ] as Array<[string, string, string, unknown[]]>)('%s', (_name, path, line, expected) => {
    expect(brief(checkSkippedTests(reviewFiles([{ path, added: [line] }])))).toEqual(expected);
  });
});

describe('weakened tests', () => {
  it.each([
    [
      'assertions removed',
      [{ path: 'test/limit.test.ts', start: 4, removed: ['  expect(limit(-1)).toThrow();', '  expect(limit(500)).toBe(100);'], added: ['  limit(500);'] }],
      [['fail', 'assertions_removed', 'test/limit.test.ts', 4]],
    ],
    ['an assertion that cannot fail', [{ path: 'test/limit.test.ts', added: ['  expect(true).toBe(true);'] }], [['fail', 'trivial_assertion', 'test/limit.test.ts', 1]]],
    ['assert True in Python', [{ path: 'tests/test_api.py', added: ['    assert True'] }], [['fail', 'trivial_assertion', 'tests/test_api.py', 1]]],
    [
      'an expected value changed to match',
      [{ path: 'test/limit.test.ts', start: 7, removed: ['  expect(limit(500)).toBe(100);'], added: ['  expect(limit(500)).toBe(500);'] }],
      [['fail', 'expected_changed', 'test/limit.test.ts', 7]],
    ],
    ['a Python expected value changed', [{ path: 'tests/test_api.py', removed: ['    assert clamp(500) == 100'], added: ['    assert clamp(500) == 500'] }], [['fail', 'expected_changed', 'tests/test_api.py', 1]]],
    ['a new assertion is fine', [{ path: 'test/limit.test.ts', added: ['  expect(limit(0)).toBe(0);'] }], []],
  ] as Array<[string, FileChange[], unknown[]]>)('%s', (_name, changes, expected) => {
    expect(brief(checkWeakenedTests(reviewFiles(changes)))).toEqual(expected);
  });

  it('names what changed', () => {
    const r = checkWeakenedTests(reviewFiles([{ path: 'test/l.test.ts', removed: ['expect(limit(500)).toBe(100);'], added: ['expect(limit(500)).toBe(500);'] }]));
    expect(r.findings[0]!.message).toBe('test/l.test.ts:1: the expected value of `expect(limit(500)).toBe` was changed (`100` → `500`) while the call it checks stayed [hunk @@ -1,1 +1,1 @@]');
    expect(r.findings[0]!.hunk).toBe('@@ -1,1 +1,1 @@\n-expect(limit(500)).toBe(100);\n+expect(limit(500)).toBe(500);');
  });
});

describe('new dependencies', () => {
  const pkg = (deps: Record<string, string>, dev: Record<string, string> = {}) => JSON.stringify({ name: 'x', dependencies: deps, devDependencies: dev }, null, 2);
  it.each([
    [
      'package.json gains a dependency',
      [{ path: 'package.json', old_content: pkg({ zod: '^4.0.0' }), new_content: pkg({ zod: '^4.0.0', 'left-pad': '^1.3.0' }, { vitest: '^4' }), added: ['    "left-pad": "^1.3.0"'] }],
      [['warn', 'new_npm_dependency', 'package.json', null], ['warn', 'new_npm_dependency', 'package.json', null]],
    ],
    ['a version bump is not new', [{ path: 'package.json', old_content: pkg({ zod: '^3.0.0' }), new_content: pkg({ zod: '^4.0.0' }) }], []],
    ['requirements.txt from the diff alone', [{ path: 'requirements.txt', removed: ['requests==2.30'], added: ['requests==2.31', 'httpx>=0.27  # async client'] }], [['warn', 'new_pip_dependency', 'requirements.txt', null]]],
    ['go.mod require', [{ path: 'go.mod', added: ['\tgolang.org/x/time v0.5.0'] }], [['warn', 'new_go_dependency', 'go.mod', null]]],
    [
      'Cargo.toml tables',
      [{ path: 'Cargo.toml', old_content: '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n', new_content: '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\ngovernor = { version = "0.6" }\n\n[dev-dependencies.proptest]\nversion = "1"\n' }],
      [['warn', 'new_cargo_dependency', 'Cargo.toml', null], ['warn', 'new_cargo_dependency', 'Cargo.toml', null]],
    ],
    ['package.json without contents cannot be compared', [{ path: 'package.json', added: ['    "left-pad": "^1.3.0",'] }], [['warn', 'not_compared', 'package.json', null]]],
  ] as Array<[string, FileChange[], unknown[]]>)('%s', (_name, changes, expected) => {
    expect(brief(checkNewDependencies(reviewFiles(changes)))).toEqual(expected);
  });

  it('names the packages', () => {
    const r = checkNewDependencies(reviewFiles([{ path: 'requirements.txt', added: ['httpx>=0.27'] }]));
    expect(r.findings[0]!.message).toBe('requirements.txt: new dependency `httpx`');
  });
});

describe('stub markers', () => {
  it.each([
    ['throw TODO', 'src/limit.ts', "  throw new Error('TODO');", [['fail', 'todo_throw', 'src/limit.ts', 1]]],
    ['not implemented error', 'src/limit.ts', '  throw new Error("not implemented yet");', [['fail', 'todo_throw', 'src/limit.ts', 1]]],
    ['unimplemented!()', 'src/limit.rs', '    unimplemented!()', [['fail', 'rust_unimplemented', 'src/limit.rs', 1]]],
    ['raise NotImplementedError', 'app/limit.py', '    raise NotImplementedError', [['fail', 'python_not_implemented', 'app/limit.py', 1]]],
    ['pass  # TODO', 'app/limit.py', '    pass  # TODO', [['fail', 'python_pass_todo', 'app/limit.py', 1]]],
    ['a TODO note', 'src/limit.ts', '  // TODO: per-user limits', [['warn', 'todo_marker', 'src/limit.ts', 1]]],
    ['FIXME in Go', 'pkg/limit.go', '\t// FIXME: race', [['warn', 'todo_marker', 'pkg/limit.go', 1]]],
    ['TODO in docs is not code', 'docs/limits.md', '- TODO: document burst', []],
  ] as Array<[string, string, string, unknown[]]>)('%s', (_name, path, line, expected) => {
    expect(brief(checkStubMarkers(reviewFiles([{ path, added: [line] }])))).toEqual(expected);
  });
});

describe('conflict markers', () => {
  it('fails on markers left in code, not on a markdown heading underline', () => {
    const r = checkConflictMarkers(
      reviewFiles([
        { path: 'src/a.ts', added: ['<<<<<<< HEAD', 'const a = 1;', '=======', 'const a = 2;', '>>>>>>> omk/g/t1'] },
        { path: 'docs/a.rst', added: ['Title', '======='] },
      ]),
    );
    expect(brief(r)).toEqual([
      ['fail', 'conflict_marker', 'src/a.ts', 1],
      ['fail', 'conflict_marker', 'src/a.ts', 3],
      ['fail', 'conflict_marker', 'src/a.ts', 5],
    ]);
  });
});
