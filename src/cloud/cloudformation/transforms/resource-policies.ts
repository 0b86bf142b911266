/**
 * DeletionPolicy and UpdateReplacePolicy given as intrinsic functions (a `Ref` to a parameter, a
 * `Fn::If` on a condition, a `Fn::FindInMap`...), which `AWS::LanguageExtensions` resolves to
 * their option before the stack runs, as the engine expects a string there.
 */
import { isRecord } from '../template/types.js';
import { LanguageExtensionsError, languageExtensionsMessages as messages } from './errors.js';
import type { StaticValues } from './static-values.js';

const POLICY_ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy'] as const;

export function resolveResourcePolicies(resources: unknown, values: StaticValues): void {
  if (!isRecord(resources)) return;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isRecord(resource)) continue;
    for (const attribute of POLICY_ATTRIBUTES) {
      const policy = resource[attribute];
      if (policy === undefined || typeof policy === 'string') continue;
      resource[attribute] = resolvePolicy(attribute, logicalId, policy, values);
    }
  }
}

function resolvePolicy(attribute: string, logicalId: string, policy: unknown, values: StaticValues): string {
  if (Array.isArray(policy)) throw new LanguageExtensionsError(messages.policyNotString(attribute));
  if (isRecord(policy) && policy['Ref'] === 'AWS::NoValue') throw new LanguageExtensionsError(messages.policyNoValue);
  const resolved = isRecord(policy) ? values.resolve(policy) : undefined;
  if (typeof resolved !== 'string') throw new LanguageExtensionsError(messages.policyUnsupported(attribute, logicalId));
  return resolved;
}
