import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseUsage, SseDecoder, toolDefinitions, type JsonSchema } from '../../../src/engines/builtin/index.js';
import { parseRetryAfter } from '../../../src/engines/builtin/http-errors.js';
import { StepAssembler } from '../../../src/engines/builtin/stream-assembler.js';
import { Confinement } from '../../../src/engines/builtin/tools/confine.js';
import { parseCall } from '../../../src/engines/builtin/tools/invoke.js';
import type { AgentEvent } from '../../../src/engines/session.js';
import { tempRepo } from './helpers.js';

const encoder = new TextEncoder();

function decodeSplit(text: string, cuts: number[]): string[] {
  const bytes = encoder.encode(text);
  const decoder = new SseDecoder();
  const out: string[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...decoder.push(bytes.slice(at, cut)));
    at = cut;
  }
  out.push(...decoder.push(bytes.slice(at)));
  out.push(...decoder.end());
  return out;
}

describe('SseDecoder', () => {
  const stream =
    ': comment\r\n' +
    'data: {"a":"héllo 🌍"}\r\n\r\n' +
    'event: x\ndata: {"b":1}\n\n' +
    'data: line one\ndata: line two\n\n' +
    'data:[DONE]\n\n';
  const expected = ['{"a":"héllo 🌍"}', '{"b":1}', 'line one\nline two', '[DONE]'];

  it('gives the same events however the bytes are split (inside characters and CRLF included)', () => {
    const length = encoder.encode(stream).length;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: length }), { maxLength: 12 }), (cuts) => {
        expect(decodeSplit(stream, cuts)).toEqual(expected);
      }),
    );
    // Every single byte on its own.
    expect(decodeSplit(stream, Array.from({ length }, (_, i) => i))).toEqual(expected);
  });

  it('flushes an unterminated last event at the end of the body', () => {
    expect(decodeSplit('data: {"x":1}', [])).toEqual(['{"x":1}']);
  });
});

describe('StepAssembler', () => {
  it('assembles interleaved tool-call fragments by index and announces each call once', () => {
    const events: AgentEvent[] = [];
    const asm = new StepAssembler((e) => events.push(e), 1);
    const chunk = (delta: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ id: 'c1', choices: [{ index: 0, delta, ...extra }] });
    asm.acceptData(chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'read_file', arguments: '' } }] }));
    asm.acceptData(chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'bash', arguments: '{"comm' } }] }));
    asm.acceptData(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }));
    asm.acceptData(chunk({ tool_calls: [{ index: 1, function: { arguments: 'and":"ls"}' } }] }));
    asm.acceptData(chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }));
    asm.acceptData(JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls', usage: { prompt_tokens: 9, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } } }] }));
    const step = asm.result();
    expect(step.toolCalls).toEqual([
      { index: 0, id: 'a', name: 'read_file', arguments: '{"path":"x"}' },
      { index: 1, id: 'b', name: 'bash', arguments: '{"command":"ls"}' },
    ]);
    expect(step.finishReason).toBe('tool_calls');
    expect(step.usage).toEqual({ input: 5, cacheRead: 4, cacheWrite: 0, output: 2, exact: true });
    expect(events.map((e) => e.type === 'tool_call_started' && [e.callId, e.kind])).toEqual([['a', 'read'], ['b', 'execute']]);
  });
});

describe('normaliseUsage', () => {
  it('follows protocols.md §4.4 for both cached-token shapes', () => {
    expect(normaliseUsage({ prompt_tokens: 100, completion_tokens: 7, cached_tokens: 30 })).toEqual({ input: 70, cacheRead: 30, cacheWrite: 0, output: 7, exact: true });
    expect(normaliseUsage({ prompt_tokens: 100, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 40 }, completion_tokens_details: { reasoning_tokens: 3 } })).toEqual({
      input: 60, cacheRead: 40, cacheWrite: 0, output: 7, reasoning: 3, exact: true,
    });
    expect(normaliseUsage({ prompt_tokens: 10, completion_tokens: 1 })).toMatchObject({ input: 10, cacheRead: 0 });
    expect(normaliseUsage(null)).toBeUndefined();
    expect(normaliseUsage({ total_tokens: 3 })).toBeUndefined();
  });
});

describe('tool schemas', () => {
  it('give every property, nested ones included, a type (Moonshot rejects them otherwise)', () => {
    const untyped: string[] = [];
    const visit = (schema: JsonSchema, where: string): void => {
      if (typeof schema.type !== 'string') untyped.push(where);
      for (const [key, child] of Object.entries(schema.properties ?? {})) visit(child, `${where}.${key}`);
      if (schema.items) visit(schema.items, `${where}[]`);
    };
    const tools = toolDefinitions(false);
    for (const tool of tools) visit(tool.function.parameters, tool.function.name);
    expect(untyped).toEqual([]);
    expect(tools.map((t) => t.function.name)).toEqual(['read_file', 'list_dir', 'grep', 'write_file', 'edit_file', 'bash']);
  });

  it('argument checks produce sentences for the model', () => {
    expect(parseCall('bash', '{"command": 3}', false)).toEqual({ ok: false, error: 'invalid arguments for bash: "command" must be a string' });
    expect(parseCall('bash', '{not json', false)).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON') });
    expect(parseCall('rm_rf', '{}', false)).toMatchObject({ ok: false, error: expect.stringContaining('unknown tool "rm_rf"') });
    expect(parseCall('read_file', '{"path":"a","offset":"3"}', true)).toEqual({ ok: true, call: { name: 'read_file', args: { path: 'a', offset: 3, limit: undefined } } });
  });
});

describe('Confinement', () => {
  it('allows absolute paths inside, refuses .., absolute outside and symlinks out; new files inside are fine', async () => {
    const repo = tempRepo({ 'a.txt': 'a' });
    try {
      mkdirSync(path.join(repo.root, 'sub'));
      symlinkSync(repo.outside, path.join(repo.root, 'sub', 'out'));
      symlinkSync(path.join(repo.root, 'a.txt'), path.join(repo.root, 'alias.txt'));
      const c = new Confinement(repo.root);
      expect(await c.resolve(path.join(repo.root, 'a.txt'))).toMatchObject({ ok: true, relative: 'a.txt' });
      expect(await c.resolve('new/dir/file.txt')).toMatchObject({ ok: true, relative: 'new/dir/file.txt' });
      expect(await c.resolve('alias.txt')).toMatchObject({ ok: true, relative: 'a.txt' });
      expect(await c.resolve('sub/../a.txt')).toMatchObject({ ok: true });
      expect(await c.resolve('../outside/x')).toMatchObject({ ok: false });
      expect(await c.resolve('sub/out/x')).toMatchObject({ ok: false, reason: expect.stringContaining('symbolic link') });
      expect(await c.resolve('/tmp')).toMatchObject({ ok: false });
      expect(await c.resolve('')).toMatchObject({ ok: false });
    } finally {
      repo.cleanup();
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
