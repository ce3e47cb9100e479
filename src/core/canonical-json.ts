/**
 * Canonical JSON: object keys sorted, no insignificant whitespace,
 * `undefined` members omitted. Hashes are computed over this form so that the
 * same event always hashes the same, whatever produced it. Keys are compared as
 * JavaScript strings (UTF-16 code units, as RFC 8785 does); this differs from code
 * point order only between astral characters and U+E000–U+FFFF.
 *
 * Like JSON.stringify, a value with `toJSON` (a Date) is encoded as what that returns,
 * and array holes and `undefined` items become `null`; unlike it, values JSON cannot
 * hold (NaN, Infinity, bigint, Map, Set) throw instead of being silently changed.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        // A for loop, not map(): map skips holes and join() would leave `[1,,3]`, which is not JSON.
        const items: string[] = [];
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          items.push(item === undefined ? 'null' : encode(item, `${path}[${i}]`));
        }
        return `[${items.join(',')}]`;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return encode(toJSON.call(value), path);
      if (value instanceof Map || value instanceof Set) {
        throw new TypeError(`canonicalJson: cannot encode a ${value instanceof Map ? 'Map' : 'Set'} at ${path}`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value} at ${path}`);
  }
}
