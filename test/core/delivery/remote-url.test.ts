import { describe, expect, it } from 'vitest';
import { defaultApiBaseUrl, parseGitHubRemote, withoutCredentials } from '../../../src/core/delivery/remote-url.js';

describe('parseGitHubRemote', () => {
  it.each([
    ['https://github.com/o/r.git', 'github.com'],
    ['https://github.com/o/r', 'github.com'],
    ['https://github.com/o/r/', 'github.com'],
    ['https://x-access-token:secret@github.com/o/r.git', 'github.com'],
    ['git@github.com:o/r.git', 'github.com'],
    ['git@github.com:o/r', 'github.com'],
    ['ssh://git@github.com/o/r.git', 'github.com'],
    ['ssh://git@ssh.github.com:443/o/r.git', 'github.com'],
    ['git://github.com/o/r.git', 'github.com'],
    ['https://GHE.Example.com/o/r.git', 'ghe.example.com'],
    ['git@ghe.example.com:o/r.git', 'ghe.example.com'],
  ])('%s', (url, host) => {
    expect(parseGitHubRemote(url)).toEqual({ host, owner: 'o', repo: 'r' });
  });

  it.each(['/srv/git/r.git', '../remote.git', 'file:///srv/o/r.git', 'https://github.com/o', 'https://github.com/o/r/tree/main', 'git@github.com:/abs/path', 'origin'])(
    'does not take %s for a GitHub repository',
    (url) => {
      expect(parseGitHubRemote(url)).toBeUndefined();
    },
  );

  it('keeps dots and dashes in names', () => {
    expect(parseGitHubRemote('git@github.com:my-org/my.repo-name.git')).toEqual({ host: 'github.com', owner: 'my-org', repo: 'my.repo-name' });
  });
});

describe('defaultApiBaseUrl / withoutCredentials', () => {
  it('picks api.github.com or the Enterprise /api/v3', () => {
    expect(defaultApiBaseUrl('github.com')).toBe('https://api.github.com');
    expect(defaultApiBaseUrl('ghe.example.com')).toBe('https://ghe.example.com/api/v3');
  });
  it('drops user info from URLs', () => {
    expect(withoutCredentials('https://u:secret@github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(withoutCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});
