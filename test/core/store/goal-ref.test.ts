import { describe, expect, it } from 'vitest';
import { OmkError } from '../../../src/core/errors.js';
import { pickGoalId } from '../../../src/core/store/goal-ref.js';

describe('pickGoalId', () => {
  it('takes a unique prefix, and an exact id over longer ids sharing it', () => {
    expect(pickGoalId('ab', ['abc123'])).toBe('abc123');
    expect(pickGoalId('abc', ['abc', 'abcd'])).toBe('abc');
  });

  it('lists the candidates of an ambiguous prefix as a usage error', () => {
    const error = (() => {
      try {
        pickGoalId('ab', ['ab1', 'ab2']);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OmkError);
    expect(error).toMatchObject({ code: 'usage', message: expect.stringContaining('ab1, ab2') });
  });

  it('says not_found when nothing matches', () => {
    expect(() => pickGoalId('zz', [])).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
