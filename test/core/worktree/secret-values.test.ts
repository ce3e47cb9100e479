import { describe, expect, it } from 'vitest';
import { knownSecretValues, redactSecrets, registerSecretValues } from '../../../src/core/redact.js';
import { secretValuesFromEnvText } from '../../../src/core/worktree/secret-values.js';

describe('secret values of copied local files', () => {
  it('reads dotenv values (quoted, exported, commented) and skips short ones and comments', () => {
    const text = ['# DB_PASSWORD=commented-out-value', 'export API_BASE="https://internal.example/v1"', "DB_PASSWORD='hunter2-but-longer'", 'PORT=8080', 'NAME = some value  # trailing', 'not a line', ''].join('\n');
    expect(secretValuesFromEnvText(text)).toEqual(['https://internal.example/v1', 'hunter2-but-longer', 'some value']);
  });

  it('registered values are redacted wherever they appear, longest first; short ones are never registered', () => {
    registerSecretValues(['s3cr3t-value-for-test', 's3cr3t-value-for-test-and-more', 'short']);
    expect(knownSecretValues()).not.toContain('short');
    expect(redactSecrets('a s3cr3t-value-for-test-and-more b s3cr3t-value-for-test c short')).toBe('a [REDACTED] b [REDACTED] c short');
  });
});
