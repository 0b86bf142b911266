/**
 * A serverless function's `Policies`: AWS managed policy names or ARNs, inline policy documents
 * (`{ Statement: [...] }`) and SAM policy templates (`{ SQSPollerPolicy: { QueueName: q } }`),
 * each alone or in a list, possibly inside `Fn::If`. Templates expand to documents first, as the
 * translator's policy-template plugin does; the execution role then gets the managed policies
 * (deduplicated) and one inline policy `<Role>Policy<index>` per document.
 */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';
import { MANAGED_POLICY_NAMES_BY_PATH } from './generated/managed-policies.js';
import { POLICY_TEMPLATES } from './generated/policy-templates.js';
import { pythonList } from './globals.js';
import { isIntrinsic } from './parameter-refs.js';

/** A managed policy name -> its ARN, for the names AWS's bundled list knows. */
const MANAGED_POLICY_ARNS: ReadonlyMap<string, string> = new Map(
  Object.entries(MANAGED_POLICY_NAMES_BY_PATH).flatMap(([path, names]) =>
    names.map((name) => [name, `arn:aws:iam::aws:policy/${path}${name}`] as const),
  ),
);

export function managedPolicyArn(nameOrArn: string): string {
  return MANAGED_POLICY_ARNS.get(nameOrArn) ?? nameOrArn;
}

type PolicyKind = 'managed' | 'statement' | 'template' | 'unknown';

/** The Policies property as a list of entries. */
export function policyEntries(policies: unknown): unknown[] {
  if (policies === undefined || policies === null) return [];
  return Array.isArray(policies) ? policies : [policies];
}

/** Replaces each policy template in `Policies` by the document it stands for. */
export function expandPolicyTemplates(logicalId: string, properties: Record<string, unknown>): void {
  if (properties['Policies'] === undefined) return;
  const entries = policyEntries(properties['Policies']);
  if (!entries.some((entry) => kindOf(entry) === 'template')) return;
  properties['Policies'] = entries.map((entry) => {
    if (kindOf(entry) !== 'template') return entry;
    if (isIf(entry)) {
      const [condition, whenTrue, whenFalse] = entry['Fn::If'] as unknown[];
      const expand = (branch: unknown) => (isNoValue(branch) ? branch : expandTemplate(logicalId, branch));
      return { 'Fn::If': [condition, expand(whenTrue), expand(whenFalse)] };
    }
    return expandTemplate(logicalId, entry);
  });
}

function expandTemplate(logicalId: string, entry: unknown): unknown {
  const [name, values] = Object.entries(entry as Record<string, unknown>)[0] ?? [];
  const template = name === undefined ? undefined : POLICY_TEMPLATES[name];
  if (!template || name === undefined) return entry;
  if (!isRecord(values)) {
    throw new SamResourceError(logicalId, `Must specify valid parameter values for policy template '${name}'`);
  }
  const missing = Object.keys(template.Parameters).filter((parameter) => !Object.hasOwn(values, parameter));
  if (missing.length) {
    throw new SamResourceError(
      logicalId,
      `Following required parameters of template '${name}' don't have values: ${pythonList(missing)}`,
    );
  }
  return substitute(template.Definition, values, template.Parameters);
}

/** The template's `{ Ref: Parameter }` nodes replaced by the values given (only the template's parameters). */
function substitute(node: unknown, values: Record<string, unknown>, parameters: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => substitute(item, values, parameters));
  if (!isRecord(node)) return node;
  const ref = node['Ref'];
  if (Object.keys(node).length === 1 && typeof ref === 'string' && Object.hasOwn(parameters, ref)) return values[ref];
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, substitute(item, values, parameters)]));
}

export interface RolePolicies {
  managedPolicyArns: unknown[];
  /** `{ PolicyName, PolicyDocument }` entries (or `Fn::If` of them). */
  policies: unknown[];
}

/**
 * Adds `Policies` (templates already expanded) to the role's managed policies and inline policies,
 * as aws-sam-translator's role constructor does.
 */
export function addPolicies(logicalId: string, roleId: string, policies: unknown, into: RolePolicies): void {
  policyEntries(policies).forEach((entry, index) => {
    const kind = kindOf(entry);
    const named = (document: unknown) => ({ PolicyName: `${roleId}Policy${index}`, PolicyDocument: document });
    if (kind === 'statement') {
      if (isIf(entry)) {
        into.policies.push(mapIf(entry, (branch) => !isNoValue(branch), named));
      } else into.policies.push(named(entry));
      return;
    }
    if (kind === 'managed') {
      let arn: unknown = entry;
      if (typeof entry === 'string') arn = managedPolicyArn(entry);
      else if (isIf(entry)) {
        arn = mapIf(
          entry,
          (branch) => typeof branch === 'string',
          (branch) => managedPolicyArn(branch as string),
        );
      }
      if (!into.managedPolicyArns.some((known) => JSON.stringify(known) === JSON.stringify(arn))) {
        into.managedPolicyArns.push(arn);
      }
      return;
    }
    throw new SamResourceError(logicalId, `Policy at index ${index} in the 'Policies' property is not valid`);
  });
}

function kindOf(policy: unknown): PolicyKind {
  if (typeof policy === 'string') return 'managed';
  if (isIf(policy)) {
    const [, whenTrue, whenFalse] = policy['Fn::If'] as unknown[];
    const left = kindOf(whenTrue);
    const right = kindOf(whenFalse);
    if (left === right) return left;
    if (isNoValue(whenTrue)) return right;
    if (isNoValue(whenFalse)) return left;
    return 'unknown';
  }
  if (isIntrinsic(policy)) return 'managed';
  if (isRecord(policy) && 'Statement' in policy) return 'statement';
  if (isRecord(policy) && Object.keys(policy).length === 1) {
    const name = Object.keys(policy)[0];
    if (name !== undefined && Object.hasOwn(POLICY_TEMPLATES, name)) return 'template';
  }
  return 'unknown';
}

function isIf(value: unknown): value is { 'Fn::If': unknown[] } {
  return isRecord(value) && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3;
}

function isNoValue(value: unknown): boolean {
  return isRecord(value) && value['Ref'] === 'AWS::NoValue';
}

function mapIf(entry: { 'Fn::If': unknown[] }, when: (branch: unknown) => boolean, map: (branch: unknown) => unknown) {
  const [condition, whenTrue, whenFalse] = entry['Fn::If'];
  return {
    'Fn::If': [condition, when(whenTrue) ? map(whenTrue) : whenTrue, when(whenFalse) ? map(whenFalse) : whenFalse],
  };
}
