import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and is stable for -0, unicode and large numbers', () => {
    expect(canonicalJson({ b: 1, a: [1, undefined, 'é😀'], c: undefined, n: -0, big: 2 ** 60 })).toBe(
      '{"a":[1,null,"é😀"],"b":1,"big":1152921504606847000,"n":0}',
    );
  });

  it('keeps a "__proto__" own key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('always produces JSON that parses back, even for a sparse array', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    const text = canonicalJson({ list: sparse, holes: new Array(2) });
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(text).toBe('{"holes":[null,null],"list":[1,null,3]}');
  });

  it('encodes a Date as JSON.stringify does (its ISO string), not as an empty object', () => {
    const at = new Date('2024-05-06T07:08:09.010Z');
    expect(canonicalJson({ at })).toBe('{"at":"2024-05-06T07:08:09.010Z"}');
  });

  it('refuses values JSON cannot hold instead of losing them', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 10n })).toThrow(TypeError);
    expect(() => canonicalJson({ m: new Map([['a', 1]]) })).toThrow(TypeError);
  });
});
