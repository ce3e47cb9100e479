import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApprovalDecision, ApprovalRequest } from '../../../src/core/approval/types.js';
import { promptApproval } from '../../../src/runtime/approval/prompt.js';
import type { PromptApprovalOptions } from '../../../src/runtime/approval/prompt.js';

const request: ApprovalRequest = { kind: 'execute', command: 'docker compose up -d', paths: [] };
const decision: ApprovalDecision = { decision: 'ask', rule: 'ask:human', reason: 'Not auto-allowed: `docker compose up -d` is not on the allow list.' };

function setup(extra: Partial<PromptApprovalOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString('utf8')));
  const answer = promptApproval({ request, decision, input, output, isTTY: true, timeoutMs: 5_000, ...extra });
  return { input, answer, shown: () => shown };
}

describe('promptApproval', () => {
  it('allows on y', async () => {
    const { input, answer, shown } = setup();
    input.write('y\n');
    expect(await answer).toMatchObject({ decision: 'allow', rule: 'ask:human-allowed', timedOut: false });
    expect(shown()).toContain('docker compose up -d');
    expect(shown()).toContain('Allow? [y/N]');
  });

  it('denies on n, and on anything that is not yes', async () => {
    const a = setup();
    a.input.write('n\n');
    expect(await a.answer).toMatchObject({ decision: 'deny', rule: 'ask:human-denied' });
    const b = setup();
    b.input.write('sure\r\n');
    expect(await b.answer).toMatchObject({ decision: 'deny', rule: 'ask:human-denied' });
  });

  it('waits for a whole line that arrives in pieces', async () => {
    const { input, answer } = setup();
    input.write('ye');
    input.write('s\n');
    expect(await answer).toMatchObject({ decision: 'allow' });
  });

  it('takes the default on an empty line', async () => {
    const { input, answer, shown } = setup({ defaultDecision: 'allow' });
    input.write('\n');
    expect(await answer).toMatchObject({ decision: 'allow' });
    expect(shown()).toContain('[Y/n]');
  });

  it('times out to deny by default', async () => {
    const { answer, shown } = setup({ timeoutMs: 50 });
    expect(await answer).toMatchObject({ decision: 'deny', rule: 'ask:timeout-default', timedOut: true });
    expect(shown()).toContain('no answer');
  });

  it('times out to the chosen default', async () => {
    const { answer } = setup({ timeoutMs: 50, defaultDecision: 'allow' });
    expect(await answer).toMatchObject({ decision: 'allow', rule: 'ask:timeout-default', timedOut: true });
  });

  it('fails closed without a TTY and does not write the question', async () => {
    const { answer, shown } = setup({ isTTY: false });
    const got = await answer;
    expect(got).toMatchObject({ decision: 'deny', rule: 'ask:no-tty' });
    expect(got.reason).toMatch(/No TTY/);
    expect(shown()).toBe('');
  });

  it('denies when input ends', async () => {
    const { input, answer } = setup();
    input.end();
    expect(await answer).toMatchObject({ decision: 'deny', rule: 'ask:human-denied' });
  });

  it('denies when cancelled', async () => {
    const controller = new AbortController();
    const { answer } = setup({ signal: controller.signal });
    controller.abort();
    expect(await answer).toMatchObject({ decision: 'deny', rule: 'ask:cancelled' });
  });

  it('stops listening once answered', async () => {
    const { input, answer } = setup();
    input.write('y\n');
    await answer;
    expect(input.listenerCount('data')).toBe(0);
    expect(input.isPaused()).toBe(true);
  });
});
