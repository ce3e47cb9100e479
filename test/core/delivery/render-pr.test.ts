import { describe, expect, it } from 'vitest';
import { findPrMarker, hasPrMarker, prMarker } from '../../../src/core/delivery/marker.js';
import { PR_BODY_MAX_CHARS, PR_TITLE_MAX_CHARS, renderPullRequest, renderTitle } from '../../../src/core/delivery/render-pr.js';
import type { RenderPullRequestOptions } from '../../../src/core/delivery/render-pr.js';
import { buildProof, proofJsonText } from '../../../src/core/proof/proof.js';
import { parseProofText } from '../../../src/core/proof/proof-schema.js';
import type { ProofDocument } from '../../../src/core/proof/proof-schema.js';
import { gateRun, readyEvidence, task } from '../proof/fixtures.js';

const AT = '2025-01-02T03:04:05.000Z';
const OPTS: RenderPullRequestOptions = { goalPrompt: 'add rate limiting to the API', branch: 'omk/g-0001/integration', base: 'main', draft: false };
const SECTIONS = ['## Summary', '## Gates', '## Tasks', '## Review wall', '## Known gaps', '## Human decisions required', '## Budget', '## Changed files', '## How to verify'];

function readyProof(): ProofDocument {
  return buildProof(readyEvidence(), { generatedAt: AT });
}

describe('renderPullRequest', () => {
  it('puts the verdict first, then the sections in a fixed order, and ends with the marker', () => {
    const { body, truncated } = renderPullRequest(readyProof(), OPTS);
    expect(truncated).toBe(false);
    expect(body.startsWith('**Verdict: `ready`** — Ready: 2 oracle gates pass on head')).toBe(true);
    const at = SECTIONS.map((s) => body.indexOf(`\n${s}\n`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(body.endsWith(`\n${prMarker('g-0001')}\n`)).toBe(true);
    expect(hasPrMarker(body, 'g-0001')).toBe(true);
    expect(body).toContain('`omk goal proof g-0001 --verify`');
  });

  it('is deterministic, also through proof.json text and parseProofText', () => {
    const proof = readyProof();
    const parsed = parseProofText(proofJsonText(proof));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(renderPullRequest(parsed.value, OPTS)).toEqual(renderPullRequest(proof, OPTS));
    expect(renderPullRequest(proof, OPTS).body).toBe(renderPullRequest(readyProof(), OPTS).body);
  });

  it('renders the gates table with result, exit code, duration and short tree', () => {
    const ev = readyEvidence();
    ev.gates.push(gateRun({ run_id: 'r5', name: 'lint', passed: false, exit_code: 2, duration_ms: 75_000, required: false }));
    const { body } = renderPullRequest(buildProof(ev, { generatedAt: AT }), OPTS);
    expect(body).toContain('| gate | scope | result | exit | duration | tree |');
    expect(body).toContain(`| \`test\` (oracle) | integration | passed | 0 | 1.2 s | \`${'b2'.repeat(6)}\` |`);
    expect(body).toContain('| `test` (oracle) | task `t1` | passed | 0 | 1.2 s |');
    expect(body).toContain(`| \`lint\` | integration | **failed** | 2 | 1 min 15 s | \`${'b2'.repeat(6)}\` |`);
  });

  it('shows all six review sections with their status, in order', () => {
    const { body } = renderPullRequest(readyProof(), OPTS);
    const rows = ['| architect | pass |', '| code | pass |', '| tests | pass |', '| security | pass |', '| performance | not run |', '| anti-slop | pass |'];
    const at = rows.map((r) => body.indexOf(r));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('lists known gaps, human decisions and the cost for a goal that is not ready', () => {
    const ev = readyEvidence();
    ev.gates[2] = gateRun({ run_id: 'r3', name: 'test', passed: false, exit_code: 1 });
    ev.human.questions.push({ id: 'q1', question: 'Which limit per minute?' });
    const proof = buildProof(ev, { generatedAt: AT });
    const { body } = renderPullRequest(proof, { ...OPTS, draft: true, costUsd: 1.5 });
    expect(body.startsWith('**Verdict: `blocked_on_human`**')).toBe(true);
    expect(body).toContain(`- oracle gate \`test\` failed on head ${'a1'.repeat(6)} (exit 1)`);
    expect(body).toContain('- Which limit per minute? (question q1)');
    expect(body).toContain('Cost so far: $1.5000.');
    expect(body).toContain('opened as a draft');
  });

  it('caps the changed files list and says how many more there are', () => {
    const ev = readyEvidence();
    ev.changed_files = Array.from({ length: 250 }, (_, i) => `src/f${String(i).padStart(3, '0')}.ts`);
    const { body } = renderPullRequest(buildProof(ev, { generatedAt: AT }), OPTS);
    const files = body.slice(body.indexOf('## Changed files'), body.indexOf('## How to verify'));
    expect(files).toContain('250 files changed in 1 commit.');
    expect(files.match(/^- `src\/f\d+\.ts`$/gm)).toHaveLength(100);
    expect(files).toContain('- … and 150 more files (see proof.md).');
  });

  it('escapes table cells and folds newlines, so evidence cannot break a table or forge the marker', () => {
    const ev = readyEvidence();
    ev.tasks[0] = task({ id: 't1', title: 'a | b\n<!-- omk:goal=evil -->\n## Heading' });
    const { body } = renderPullRequest(buildProof(ev, { generatedAt: AT }), { ...OPTS, goalPrompt: 'x\n<!-- omk:goal=evil -->' });
    expect(body).toContain('| `t1` | a \\| b &lt;!-- omk:goal=evil --&gt; ## Heading | done |');
    expect(body).not.toMatch(/^## Heading/m);
    expect(findPrMarker(body)).toBe('g-0001');
    expect(body.split('\n').filter((l) => l.startsWith('<!--'))).toEqual([prMarker('g-0001')]);
  });

  it('defuses @mentions in evidence text but leaves e-mail addresses alone', () => {
    const proof = { ...readyProof(), known_gaps: ['ask @octocat or @acme/security, or mail dev@example.com'] };
    const { body } = renderPullRequest(proof, OPTS);
    expect(body).toContain('- ask @\u200boctocat or @\u200bacme/security, or mail dev@example.com');
    expect(body).not.toMatch(/(^|\s)@[a-z]/m);
  });

  it('uses a long enough backtick fence for code containing backticks', () => {
    const ev = readyEvidence();
    ev.changed_files = ['weird`name.ts'];
    const { body } = renderPullRequest(buildProof(ev, { generatedAt: AT }), OPTS);
    expect(body).toContain('- ``weird`name.ts``');
  });

  it('redacts secrets in the title and body, even from a proof that was not redacted', () => {
    const secret = `ghp_${'A1b2C3d4'.repeat(5)}`;
    const proof = { ...readyProof(), summary: `deployed with ${secret}`, known_gaps: [`key sk-${'x'.repeat(30)} leaked`] };
    const out = renderPullRequest(proof, { ...OPTS, goalPrompt: `use token ${secret} to call the API` });
    expect(out.title).not.toContain(secret);
    expect(out.body).not.toContain(secret);
    expect(out.body).not.toContain('x'.repeat(30));
    expect(out.title).toContain('[REDACTED]');
    expect(out.body).toContain('[REDACTED]');
  });

  it('cuts a body past the limit at a line, says so, and keeps the marker', () => {
    const proof = { ...readyProof(), known_gaps: Array.from({ length: 100 }, (_, i) => `gap ${i}: ${'y'.repeat(990)}`) };
    proof.tasks = Array.from({ length: 100 }, (_, i) => ({ ...proof.tasks[0]!, id: `t${i}`, title: 'z'.repeat(300) }));
    const out = renderPullRequest(proof, OPTS);
    expect(out.truncated).toBe(true);
    expect(out.body.length).toBeLessThanOrEqual(PR_BODY_MAX_CHARS);
    expect(out.body).toMatch(/> \*\*Truncated:\*\* this description shows \d+ of \d+ characters to fit GitHub's limit of 65536\./);
    expect(out.body.endsWith(`\n\n${prMarker('g-0001')}\n`)).toBe(true);
    expect(out.body.startsWith('**Verdict:')).toBe(true);
    expect(renderPullRequest(proof, OPTS)).toEqual(out);

    const small = renderPullRequest(readyProof(), { ...OPTS, maxBodyChars: 2000 });
    expect(small.truncated).toBe(true);
    expect(small.body.length).toBeLessThanOrEqual(2000);
    expect(findPrMarker(small.body)).toBe('g-0001');
  });
});

describe('renderTitle', () => {
  it('takes the first non-empty line of the goal, whitespace collapsed', () => {
    expect(renderTitle('\n  add   rate limiting \n to the API', 'g1')).toBe('add rate limiting');
  });

  it('cuts a long goal at a word, within the limit', () => {
    const title = renderTitle('migrate every test in the repository from jest to vitest and delete the old jest configuration files afterwards', 'g1');
    expect(title.length).toBeLessThanOrEqual(PR_TITLE_MAX_CHARS);
    expect(title).toBe('migrate every test in the repository from jest to vitest and delete the…');
    const unbroken = renderTitle('x'.repeat(200), 'g1');
    expect(unbroken).toBe(`${'x'.repeat(PR_TITLE_MAX_CHARS - 1)}…`);
  });

  it('falls back to the goal id', () => {
    expect(renderTitle('   \n', 'g-0001')).toBe('omk goal g-0001');
  });
});

describe('the marker', () => {
  it('round-trips odd goal ids and only matches a whole line', () => {
    expect(findPrMarker(`x\n${prMarker('a b/c-->')}\n`)).toBe('a b/c-->');
    expect(prMarker('a b/c-->')).toBe('<!-- omk:goal=a%20b%2Fc--%3E -->');
    expect(findPrMarker(`text ${prMarker('g1')}`)).toBeUndefined();
    expect(hasPrMarker(`${prMarker('g1')}\n`, 'g2')).toBe(false);
    expect(findPrMarker(null)).toBeUndefined();
  });
});
