import { describe, expect, it } from 'vitest';
import { secretEnvValues } from '../../src/core/secret-env.js';

describe('secretEnvValues', () => {
  it('takes credentials by name and leaves paths, switches and short values', () => {
    const env = {
      MOONSHOT_API_KEY: 'k9s8d7f6g5h4',
      GITHUB_TOKEN: 'abcdef0123456789',
      PGPASSWORD: 'hunter2hunter2',
      DATABASE_URL: 'postgres://u:p@h/db',
      MY_SECRET: 'short',
      SSH_AUTH_SOCK: '/tmp/ssh-abc/agent.1',
      TOKEN_ENABLED: 'true',
      AUTH_TIMEOUT: '30000000',
      PATH: '/usr/bin:/bin',
      HOME: '/home/someone',
    };
    expect(secretEnvValues(env).sort()).toEqual(['abcdef0123456789', 'hunter2hunter2', 'k9s8d7f6g5h4', 'postgres://u:p@h/db']);
  });
});
