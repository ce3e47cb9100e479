import picomatch from 'picomatch';
import { isInside, relativeInside } from './paths.js';

/**
 * Files whose contents are secrets. Reading them is a hard deny in every mode: an agent has no business
 * with the user's keys, and anything it reads can end up in a transcript or a prompt to a model.
 */

/** Relative to a home directory. Also matched as a suffix of paths outside the worktree (`/root/.ssh/…`). */
const HOME_SECRETS: ReadonlyArray<[string, string]> = [
  ['.ssh', 'SSH keys'],
  ['.ssh/**', 'SSH keys'],
  // Directories that exist to hold credentials: a recursive read or copy of one takes the keys along.
  ['.aws', 'AWS credentials'],
  ['.config/gh', 'GitHub CLI tokens'],
  ['.docker', 'Docker registry credentials'],
  ['.kube', 'Kubernetes credentials'],
  ['.config/gcloud', 'Google Cloud credentials'],
  ['.azure', 'Azure credentials'],
  ['.password-store', 'pass passwords'],
  ['.kimi/credentials', 'Kimi credentials'],
  ['.aws/credentials', 'AWS credentials'],
  ['.aws/sso/cache/**', 'AWS SSO tokens'],
  ['.aws/cli/cache/**', 'AWS session tokens'],
  ['.config/gh/hosts.yml', 'GitHub CLI tokens'],
  ['.netrc', 'netrc passwords'],
  ['_netrc', 'netrc passwords'],
  ['.docker/config.json', 'Docker registry credentials'],
  ['.kube/config', 'Kubernetes credentials'],
  ['.git-credentials', 'git credentials'],
  ['.config/git/credentials', 'git credentials'],
  ['.npmrc', 'npm tokens'],
  ['.yarnrc.yml', 'yarn tokens'],
  ['.pypirc', 'PyPI tokens'],
  ['.gnupg', 'GnuPG keys'],
  ['.gnupg/**', 'GnuPG keys'],
  ['.config/gcloud/**', 'Google Cloud credentials'],
  ['.azure/**', 'Azure credentials'],
  ['.password-store/**', 'pass passwords'],
  ['.vault-token', 'Vault token'],
  ['.terraform.d/credentials.tfrc.json', 'Terraform tokens'],
  ['.cargo/credentials', 'crates.io token'],
  ['.cargo/credentials.toml', 'crates.io token'],
  ['.gem/credentials', 'RubyGems token'],
  ['.local/share/keyrings/**', 'desktop keyring'],
  ['.codex/auth.json', 'Codex credentials'],
  ['.claude/.credentials.json', 'Claude credentials'],
  ['.kimi/credentials/**', 'Kimi credentials'],
  ['.config/hub', 'hub tokens'],
];

/** ~/.config/omk holds config.toml (not secret) next to tokens and keys (secret). */
const OMK_DIR = '.config/omk';
const OMK_PUBLIC = new Set(['.config/omk', '.config/omk/config.toml']);

const SYSTEM_SECRETS: ReadonlyArray<[string, string]> = [
  ['/etc/shadow', 'system password hashes'],
  ['/etc/shadow-', 'system password hashes'],
  ['/etc/gshadow', 'system password hashes'],
  ['/etc/gshadow-', 'system password hashes'],
  ['/etc/sudoers', 'sudo configuration'],
  ['/etc/sudoers.d/**', 'sudo configuration'],
  ['/etc/ssh/ssh_host_*_key', 'SSH host keys'],
  ['/proc/*/environ', 'process environment (API keys)'],
  ['/root/**', "root's home"],
];

/** Basenames that are secrets wherever they sit outside the worktree. */
const SECRET_NAMES: ReadonlyArray<[string, string]> = [
  ['.env', 'environment file'],
  ['.env.*', 'environment file'],
  ['id_{rsa,dsa,ecdsa,ed25519,ecdsa_sk,ed25519_sk}', 'private SSH key'],
  ['*.key', 'private key'],
];

const OPTS = { dot: true };
const homeMatchers = HOME_SECRETS.map(([glob, what]) => [picomatch(glob, OPTS), what] as const);
const systemMatchers = SYSTEM_SECRETS.map(([glob, what]) => [picomatch(glob, OPTS), what] as const);
const nameMatchers = SECRET_NAMES.map(([glob, what]) => [picomatch(glob, OPTS), what] as const);

function matchHomeRelative(rel: string): string | undefined {
  if (rel === OMK_DIR || rel.startsWith(`${OMK_DIR}/`)) return OMK_PUBLIC.has(rel) ? undefined : 'omk secrets';
  return homeMatchers.find(([m]) => m(rel))?.[1];
}

/**
 * What secret `absolutePath` holds, or undefined. Paths inside the worktree are the project's own
 * files (its `.env`, its test fixtures) unless they are literally in the home directory's secret spots.
 */
export function credentialKind(absolutePath: string, home: string, sessionDir: string): string | undefined {
  const inHome = relativeInside(home, absolutePath);
  if (inHome !== undefined && inHome !== '') {
    const hit = matchHomeRelative(inHome);
    if (hit) return hit;
  }
  if (isInside(sessionDir, absolutePath)) return undefined;
  const system = systemMatchers.find(([m]) => m(absolutePath))?.[1];
  if (system) return system;
  return credentialSuffix(absolutePath);
}

/** Secret-looking tails of a path or of text that is only partly known (`$(echo ~)/.ssh/id_rsa`). */
export function credentialSuffix(text: string): string | undefined {
  const parts = text.split('/').filter((p) => p !== '' && p !== '.');
  const base = parts.at(-1);
  if (base !== undefined) {
    const named = nameMatchers.find(([m]) => m(base))?.[1];
    if (named) return named;
  }
  for (let i = 0; i < parts.length; i++) {
    const hit = matchHomeRelative(parts.slice(i).join('/'));
    if (hit) return hit;
  }
  return undefined;
}

/** Concrete secret paths (home-relative) a pattern could name, for `credentialGlobKind`. */
const HOME_SAMPLES: ReadonlyArray<[string, string]> = HOME_SECRETS.map(([glob, what]) => [glob.replace(/\/\*\*$/, '/id_rsa'), what]);

/**
 * What secret a shell pattern could expand to (`~/.aws/*`, `~/.aws/credential?`), or undefined.
 * `absolutePattern` is the word resolved like a path, its glob characters kept.
 */
export function credentialGlobKind(absolutePattern: string, home: string): string | undefined {
  const rel = relativeInside(home, absolutePattern);
  if (rel === undefined || rel === '') return undefined;
  let matches: (s: string) => boolean;
  try {
    matches = picomatch(rel, { dot: true });
  } catch {
    return undefined;
  }
  return HOME_SAMPLES.find(([sample]) => matches(sample))?.[1] ?? (matches(`${OMK_DIR}/token`) ? 'omk secrets' : undefined);
}

/** Path-like fragments inside arbitrary text, such as inline code: `open('/root/.aws/credentials')`. */
export function pathFragments(text: string): string[] {
  return [...text.matchAll(/(?:~|\$HOME|\$\{HOME\}|\.{0,2})\/[^\s'"`;|&<>()]+/g)].map((m) => m[0]);
}
