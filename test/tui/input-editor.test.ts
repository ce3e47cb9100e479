import { describe, expect, it } from 'vitest';
import { backspace, cursorPosition, deleteWord, down, emptyEditor, insert, left, newline, submit, up, type EditorState } from '../../src/tui/chat/input-editor.js';
import { completeSlash, helpLines } from '../../src/tui/chat/slash-commands.js';

const typed = (text: string, history: string[] = []): EditorState => insert(emptyEditor(history), text);

describe('input editor', () => {
  it('submits the text, keeps it in history once, and empties', () => {
    let s = typed('hello');
    const r = submit(s);
    expect(r.submitted).toBe('hello');
    expect(r.state.text).toBe('');
    s = submit(insert(r.state, 'hello')).state;
    expect(s.history).toEqual(['hello']);
  });

  it('never submits blank input', () => {
    expect(submit(typed('  \n ')).submitted).toBeNull();
  });

  it('a trailing backslash becomes a line break instead of sending', () => {
    const r = submit(typed('first\\'));
    expect(r.submitted).toBeNull();
    expect(r.state.text).toBe('first\n');
    const sent = submit(insert(r.state, 'second'));
    expect(sent.submitted).toBe('first\nsecond');
  });

  it('Up and Down walk history from the edges of multi-line text and restore the draft', () => {
    let s = typed('draft', ['one', 'two\nlines']);
    s = up(s);
    expect(s.text).toBe('two\nlines');
    s = up(s); // cursor is on the last line: moves to the first line first
    expect(s.text).toBe('two\nlines');
    expect(cursorPosition(s).row).toBe(0);
    s = up(s);
    expect(s.text).toBe('one');
    expect(up(s).text).toBe('one');
    s = down(s);
    expect(s.text).toBe('two\nlines');
    s = down(s);
    expect(s.text).toBe('draft');
  });

  it('edits at the cursor, surrogate pairs as one character', () => {
    let s = typed('a😀b');
    s = backspace(left(s));
    expect(s.text).toBe('ab');
    s = newline(s);
    expect(s.text).toBe('a\nb');
    expect(cursorPosition(s)).toEqual({ row: 1, col: 0 });
    expect(deleteWord(typed('fix the bug  ')).text).toBe('fix the ');
  });

  it('pasted text keeps line breaks and drops other control characters', () => {
    expect(typed('a\r\nb\x07c').text).toBe('a\nbc');
  });
});

describe('slash completion', () => {
  it('completes a unique command with a space, an ambiguous one to the common prefix', () => {
    expect(completeSlash('/di')).toEqual({ text: '/diff ', candidates: ['/diff'] });
    expect(completeSlash('/c')).toEqual({ text: '/c', candidates: ['/classify', '/cost', '/cancel'] });
    expect(completeSlash('/re').text).toBe('/re');
    expect(completeSlash('/res').text).toBe('/resume ');
  });

  it('completes /show arguments and leaves free text alone', () => {
    expect(completeSlash('/show pr').text).toBe('/show proof');
    expect(completeSlash('/show p').candidates).toEqual(['plan', 'proof']);
    expect(completeSlash('fix /x')).toEqual({ text: 'fix /x', candidates: [] });
    expect(completeSlash('/nothing').candidates).toEqual([]);
  });

  it('help lists every command of the brief', () => {
    const text = helpLines().join('\n');
    for (const c of ['/help', '/classify', '/quick', '/escalate', '/goals', '/show', '/diff', '/cost', '/pause', '/resume', '/cancel', '/approve', '/reject', '/sessions', '/new', '/quit']) expect(text).toContain(c);
  });
});
