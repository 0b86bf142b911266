/**
 * Which resource types AWS CloudFormation knows: the generated list of AWS's own types, and custom
 * resources (`Custom::Name`, which AWS accepts under any name made of letters, digits and `_@-`).
 */
import { AWS_RESOURCE_TYPES } from './aws-resource-types.js';

const CUSTOM_RESOURCE = /^Custom::[A-Za-z0-9_@-]{1,60}$/;

let known: ReadonlySet<string> | undefined;

export function isAwsResourceType(type: string): boolean {
  if (CUSTOM_RESOURCE.test(type)) return true;
  known ??= new Set(
    Object.entries(AWS_RESOURCE_TYPES).flatMap(([service, names]) => names.split(' ').map((n) => `${service}::${n}`)),
  );
  return known.has(type);
}
