import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { setTomlValue } from '../../../src/core/config/toml-edit.js';

function set(text: string, key: string[], value: string): string {
  const result = setTomlValue(text, key, value);
  if (!result.ok) throw new Error(result.reason);
  return result.text;
}

describe('setTomlValue', () => {
  const doc = [
    '# top comment',
    '',
    '[defaults]',
    '# how many workers',
    'max_agents = 2   # keep low',
    'engine = "kimi"',
    '',
    '# engines below',
    '[engines.kimi]',
    'args = [',
    '  "acp",',
    ']',
    'model = "a#b" # the model',
    '',
  ].join('\n');

  it('replaces a value in place and keeps its trailing comment and every other line', () => {
    const out = set(doc, ['defaults', 'max_agents'], '8');
    expect(out).toBe(doc.replace('max_agents = 2   # keep low', 'max_agents = 8   # keep low'));
  });

  it('keeps a comment after a string value containing #', () => {
    const out = set(doc, ['engines', 'kimi', 'model'], '"k2"');
    expect(out).toContain('model = "k2" # the model');
    expect(parse(out)).toMatchObject({ engines: { kimi: { model: 'k2', args: ['acp'] } } });
  });

  it('replaces a multi-line value whole', () => {
    const out = set(doc, ['engines', 'kimi', 'args'], '["x"]');
    expect(out).toContain('args = ["x"]\nmodel');
    expect(out).not.toContain('"acp"');
  });

  it('inserts a new key after the last key of an existing table', () => {
    const out = set(doc, ['defaults', 'policy'], '"draft-pr"');
    expect(out).toContain('engine = "kimi"\npolicy = "draft-pr"\n\n# engines below');
    expect(out.startsWith('# top comment\n\n[defaults]\n# how many workers\n')).toBe(true);
  });

  it('appends a new section when the table does not exist', () => {
    const out = set(doc, ['log', 'level'], '"debug"');
    expect(out.startsWith(doc.trimEnd())).toBe(true);
    expect(out.endsWith('\n[log]\nlevel = "debug"\n')).toBe(true);
  });

  it('writes into an empty document', () => {
    expect(set('', ['dashboard', 'port'], '5000')).toBe('[dashboard]\nport = 5000\n');
  });

  it('updates a key written as a dotted key at the top level', () => {
    const out = set('defaults.engine = "kimi" # hi\n', ['defaults', 'engine'], '"builtin"');
    expect(out).toBe('defaults.engine = "builtin" # hi\n');
  });

  it('adds a dotted key where the table exists only through dotted keys', () => {
    const out = set('[engines]\nkimi.model = "a"\n', ['engines', 'kimi', 'command'], '"kimi"');
    expect(parse(out)).toEqual({ engines: { kimi: { model: 'a', command: 'kimi' } } });
  });

  it('refuses an edit that would conflict with an inline table', () => {
    const result = setTomlValue('[engines]\nkimi = { model = "a" }\n', ['engines', 'kimi', 'command'], '"kimi"');
    expect(result.ok).toBe(false);
  });

  it('refuses text that is not valid TOML', () => {
    expect(setTomlValue('x = [', ['a', 'b'], '1').ok).toBe(false);
  });
});
