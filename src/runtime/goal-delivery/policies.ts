import type { MergePolicy, OmkConfig, Policy } from '../../core/config/types.js';
import { MERGE_POLICIES, POLICIES } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';

/** How `omk goal run` delivers when the goal reaches its verdict (docs/delivery.md "Delivery at the end of a run"). */
export interface DeliveryPolicies {
  policy: Policy;
  mergePolicy: MergePolicy;
}

/** `--policy` / `--merge-policy` checked: a bad value is a `usage` error, raised before the goal is created. */
export function checkDeliveryFlags(flags: { policy?: string | undefined; mergePolicy?: string | undefined }): Partial<DeliveryPolicies> {
  const policy = oneOf(flags.policy, POLICIES, '--policy');
  const mergePolicy = oneOf(flags.mergePolicy, MERGE_POLICIES, '--merge-policy');
  return { ...(policy ? { policy } : {}), ...(mergePolicy ? { mergePolicy } : {}) };
}

/** The checked flags over `defaults.policy` / `defaults.merge_policy`. */
export function deliveryPolicies(config: Pick<OmkConfig, 'defaults'>, flags: Partial<DeliveryPolicies> = {}): DeliveryPolicies {
  return { policy: flags.policy ?? config.defaults.policy, mergePolicy: flags.mergePolicy ?? config.defaults.merge_policy };
}

/**
 * The policies a goal recorded in goal.json `options` when it was created, so that a resume (or
 * `budget-add`) delivers as the original run would have; a goal recorded before these options existed
 * falls back to the config.
 */
export function recordedPolicies(recorded: { policy?: string | undefined; mergePolicy?: string | undefined }, config: Pick<OmkConfig, 'defaults'>): DeliveryPolicies {
  const { policy, mergePolicy } = recorded;
  return {
    policy: policy !== undefined && (POLICIES as readonly string[]).includes(policy) ? (policy as Policy) : config.defaults.policy,
    mergePolicy:
      mergePolicy !== undefined && (MERGE_POLICIES as readonly string[]).includes(mergePolicy) ? (mergePolicy as MergePolicy) : config.defaults.merge_policy,
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new OmkError('usage', `${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`, {
      hint: `e.g. ${flag} ${allowed[1] ?? allowed[0]!} (the default comes from defaults.${flag === '--policy' ? 'policy' : 'merge_policy'})`,
    });
  }
  return value as T;
}
