/** What test code looks like, across JS/TS, Python, Rust and Go: shared by the test-tamper checks. */

/** Lines that declare one test case. */
export const TEST_DECL = [
  // `test(`, and with any modifier: `test.skip(`, `it.only(`, `test.each(rows)(`, `it.skipIf(cond)(`.
  /^\s*(?:it|test|xit|xtest|fit)(?:\.\w+(?:\([^)]*\))?)*\s*\(/,
  /^\s*(?:async\s+)?def test_\w*\s*\(/,
  /^\s*#\[(?:tokio::)?test\]/,
  /^\s*func Test\w*\s*\(/,
];

/** The name a test declaration gives its test, when it says one. */
export function declaredTestName(text: string): string | undefined {
  const m =
    /^\s*(?:it|test)(?:\.\w+)*\s*\(\s*(['"`])(.+?)\1/.exec(text) ??
    /^\s*(?:async\s+)?def (test_\w*)\s*\(/.exec(text) ??
    /^\s*func (Test\w*)\s*\(/.exec(text) ??
    /^\s*(?:pub\s+)?(?:async\s+)?fn (\w+)\s*\(/.exec(text);
  if (!m) return undefined;
  return m[2] ?? m[1];
}

/** Lines that assert something. */
export const ASSERTION =
  /\bexpect\s*\(|\bassert(?:_eq|_ne|_matches)?!\s*\(|\bassert\w*\s*\(|\bassert\.\w+\s*\(|^\s*assert\s|\bself\.assert\w+\s*\(|\bt\.(?:Error|Errorf|Fatal|Fatalf|equal|equals|same|deepEqual|strictEqual|ok|notOk|match|throws|is|not)\s*\(|\brequire\.\w+\s*\(|\.should\b/;

/** Assertions that cannot fail. */
export const TRIVIAL_ASSERTION = [
  /\bexpect\s*\(\s*(true|false|null|undefined|\d+|'[^']*'|"[^"]*")\s*\)\s*\.\s*(?:toBe|toEqual|toStrictEqual)\s*\(\s*\1\s*\)/,
  /\bexpect\s*\(\s*true\s*\)\s*\.\s*toBeTruthy\s*\(\s*\)/,
  /\bexpect\s*\(\s*true\s*\)(?!\s*\.)/,
  /^\s*assert\s+True\b/,
  /\bassert!\s*\(\s*true\s*\)/,
  /\bassert(?:True)?\s*\(\s*(?:true|True|1)\s*\)/,
  /\bassert\.ok\s*\(\s*(?:true|1)\s*\)/,
  /\bassert(?:\.strictEqual|\.equal|\.deepStrictEqual|\.deepEqual|Equal|Equals)?\s*\(\s*(true|True|\d+|'[^']*'|"[^"]*")\s*,\s*\1\s*\)/,
  /\bassert_eq!\s*\(\s*(\w+)\s*,\s*\1\s*\)/,
];

/** Output calls an assertion may be turned into. */
export const PRINT = /\b(?:print|console\.(?:log|info|debug|warn|error)|fmt\.Print\w*|println!|eprintln!|dbg!|System\.out\.print\w*|logger?\.\w+)\s*\(/;

/** An assertion split into what it checks (`subject`, the call under test) and what it expects. */
export interface AssertionParts {
  /** The assertion's form with the subject, e.g. `expect(limit(500)).toBe`, `assert.equal(add(2, 3), …)`. */
  subject: string;
  /** The call under test alone: `limit(500)`, `add(2, 3)`. */
  call: string;
  expected: string;
  /** 2: compares the subject with a value; 1: only that it exists or is truthy. */
  strength: 1 | 2;
}

const JS_STRONG = /^(?:not\.)?(?:toBe|toEqual|toStrictEqual|toMatchObject|toHaveLength|toContain|toContainEqual|toMatch|toMatchSnapshot|toMatchInlineSnapshot|toThrow|toThrowError|toHaveBeenCalledWith|toHaveBeenCalledTimes|toHaveProperty|toBeCloseTo|toBeGreaterThan|toBeGreaterThanOrEqual|toBeLessThan|toBeLessThanOrEqual|toBeNull|toBeUndefined|toBeNaN|resolves\.\w+|rejects\.\w+)$/;
const JS_WEAK = /^(?:toBeDefined|toBeTruthy|toBeFalsy|not\.toBeNull|not\.toBeUndefined|not\.toBeNaN|toHaveBeenCalled|toBeInstanceOf|toBeTypeOf)$/;
const FN_STRONG = /^(?:assert\.(?:equal|strictEqual|deepEqual|deepStrictEqual|notEqual|notStrictEqual|match|throws|rejects|partialDeepStrictEqual)|(?:self\.)?assert(?:Equal|Equals|NotEqual|In|NotIn|Is|IsNot|IsNone|Raises|Regex|CountEqual|DictEqual|ListEqual|AlmostEqual|Greater|GreaterEqual|Less|LessEqual)|t\.(?:equal|equals|same|deepEqual|strictEqual|match|throws|is)|(?:assert|require)\.(?:Equal|EqualValues|Exactly|Len|Contains|ErrorIs|Nil|Zero)|assert_eq!|assert_ne!)$/;
const FN_WEAK = /^(?:assert|assert\.ok|assert!|(?:self\.)?assert(?:True|False|IsNotNone|IsInstance)|t\.(?:ok|notOk)|(?:assert|require)\.(?:True|False|NotNil|NotEmpty|NoError))$/;

/**
 * `expect(s).m(e)`, `assert.equal(s, e)` / `self.assertEqual(s, e)` / `assert_eq!(s, e)` (the first
 * argument taken as the subject), `assert s == e`, and the weak forms (`assert.ok(s)`, `assert s`,
 * `self.assertTrue(s)`, `expect(s).toBeDefined()`). Null for anything else.
 */
export function splitAssertion(text: string): AssertionParts | null {
  const t = text.trim().replace(/;$/, '').trim();
  const js = /^(?:await\s+)?expect\s*\((.*)\)\s*\.\s*((?:not\.|resolves\.|rejects\.)?\w+)\s*\((.*)\)$/.exec(t);
  if (js) {
    const matcher = js[2]!;
    const strength = JS_WEAK.test(matcher) || (matcher === 'toThrow' && js[3]!.trim() === '') ? 1 : JS_STRONG.test(matcher) ? 2 : null;
    if (strength === null) return null;
    return { subject: `expect(${js[1]!.trim()}).${matcher}`, call: js[1]!.trim(), expected: js[3]!.trim(), strength };
  }
  const py = /^assert\s+(.+?)\s*(==|!=|\bin\b|\bis\b(?!\s+not\s+None))\s*(.+)$/.exec(t);
  if (py) return { subject: `assert ${py[1]!.trim()} ${py[2]}`, call: py[1]!.trim(), expected: py[3]!.trim(), strength: 2 };
  const pyWeak = /^assert\s+(.+?)(?:\s+is\s+not\s+None)?\s*$/.exec(t);
  if (pyWeak && !/,\s*['"]/.test(pyWeak[1]!)) return { subject: `assert ${pyWeak[1]!.trim()}`, call: pyWeak[1]!.trim(), expected: '(truthy)', strength: 1 };
  const fn = /^((?:self\.)?[A-Za-z_][\w.]*!?)\s*\((.*)\)$/.exec(t);
  if (fn) {
    const name = fn[1]!;
    const args = splitArgs(fn[2]!);
    // Go's testify takes `t` first: skip it.
    if (/^(?:assert|require)\./.test(name) && args[0] === 't') args.shift();
    if (FN_STRONG.test(name) && args.length >= 2) return { subject: `${name}(${args[0]}, …)`, call: args[0]!, expected: args.slice(1).join(', '), strength: 2 };
    if (FN_WEAK.test(name) && args.length >= 1) return { subject: `${name}(${args[0]})`, call: args[0]!, expected: '(truthy)', strength: 1 };
  }
  return null;
}

/** Comma-split at the top level of brackets and strings. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += text[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** The line with its literals (numbers, strings, booleans, null) masked: equal shapes differ only in values. */
export function literalShape(text: string): { shape: string; literals: string[] } {
  const literals: string[] = [];
  const shape = text
    .trim()
    .replace(/(["'`])(?:\\.|(?!\1).)*\1|-?\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|\b(?:true|false|True|False|null|None|nil|undefined)\b/g, (m) => {
      literals.push(m);
      return '\u0000';
    })
    .replace(/-\u0000/g, '\u0000') // eslint-disable-line no-control-regex
    .replace(/\s+/g, ' ');
  return { shape, literals };
}

/** Lines that set a value a test compares against: `expected = 5`, `want := "x"`, `{ in: 2, want: 5 }`. */
export const EXPECTED_NAME = /\b(?:expected|expect(?:ed)?_?\w*|want(?:ed)?|exp|expectation|should_be|result_should)\b\s*(?::=|=|:)/i;
