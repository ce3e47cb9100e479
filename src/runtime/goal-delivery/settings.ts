import type { MergePolicy, OmkConfig } from '../../core/config/types.js';
import { MERGE_POLICIES } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import type { GitHubTarget } from '../delivery/deliver.js';

/** Flags of `omk goal open-pr` / `merge` that override `[delivery]` and `defaults.merge_policy`. */
export interface DeliveryFlags {
  remote?: string;
  base?: string;
  policy?: string;
}

export interface DeliverySettings {
  /** @default "origin" */
  remote: string;
  /** Undefined: the goal's base ref, when it is a branch. */
  base: string | undefined;
  github: GitHubTarget;
  requiredChecks: string[];
  mergePolicy: MergePolicy;
}

/**
 * Flags over `[delivery]` over the built-in defaults. The token is never configured: the delivery
 * library looks it up (GITHUB_TOKEN, GH_TOKEN, `gh auth token`).
 */
export function deliverySettings(config: Pick<OmkConfig, 'delivery' | 'defaults'>, flags: DeliveryFlags = {}): DeliverySettings {
  const d = config.delivery;
  const policy = flags.policy ?? config.defaults.merge_policy;
  if (!(MERGE_POLICIES as readonly string[]).includes(policy)) {
    throw new OmkError('usage', `--policy must be one of ${MERGE_POLICIES.join(', ')}, got ${policy}`);
  }
  const github: GitHubTarget = {};
  if (d.repository !== undefined) {
    const [owner, repo] = d.repository.split('/');
    if (owner && repo) Object.assign(github, { owner, repo });
  }
  if (d.github_api_url !== undefined) github.apiBaseUrl = d.github_api_url.replace(/\/+$/, '');
  return {
    remote: nonEmpty(flags.remote, '--remote') ?? d.remote ?? 'origin',
    base: nonEmpty(flags.base, '--base') ?? d.base,
    github,
    requiredChecks: [...(d.required_checks ?? [])],
    mergePolicy: policy as MergePolicy,
  };
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new OmkError('usage', `${flag} must not be empty`);
  return value;
}
