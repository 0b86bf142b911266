/**
 * Policy documents: the checks IAM makes before storing one, the sizes its quotas count, and the
 * URL encoding IAM applies to every document it returns. Documents are stored, never enforced:
 * the local cloud authenticates callers but does not evaluate IAM policies.
 *
 * The checks and their order follow IAM's behaviour as moto reproduces it (moto's
 * policy_validation.py, itself tested against AWS), with the invalid-JSON wording AWS returns
 * (recorded by LocalStack's snapshot tests). They cover the mistakes people make, not every rule
 * of IAM's policy grammar.
 */
import { IamErrors } from './errors.js';

/** A parsed policy document, as the managed policy data writes them. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Record<string, unknown>[] | Record<string, unknown>;
}

/**
 * Which document: a role's trust policy (AssumeRolePolicyDocument) names principals and no
 * resources; an identity policy (inline or managed) names resources and no principal. Managed
 * policies must also declare Version 2012-10-17.
 */
export type DocumentKind = 'trust' | 'inline' | 'managed';

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);

type Statement = Record<string, unknown>;

/** The actions a trust policy may name (lower-cased: IAM matches action names without case). */
const TRUST_ACTIONS = new Set(
  [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:TagSession',
    'sts:SetSourceIdentity',
    'sts:SetContext',
  ].map((a) => a.toLowerCase()),
);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringOrStrings = (v: unknown) =>
  typeof v === 'string' || (Array.isArray(v) && v.every((item) => typeof item === 'string'));
const listOf = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** Throws MalformedPolicyDocument unless `text` is a policy IAM would store as `kind`. */
export function validatePolicyDocument(text: string, kind: DocumentKind): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw IamErrors.malformed('This policy contains invalid Json');
  }
  const statements = checkSyntax(doc);
  if (!statements) throw IamErrors.malformed('Syntax errors in policy.');
  const version = (doc as Record<string, unknown>)['Version'];
  if (kind === 'managed' && version !== '2012-10-17') {
    throw IamErrors.malformed('Policy document must be version 2012-10-17 or greater.');
  }
  // Effect is matched without case by the grammar, then exactly by IAM's older ("legacy") parser.
  if (statements.some((s) => s['Effect'] !== 'Allow' && s['Effect'] !== 'Deny')) {
    throw IamErrors.malformed('The policy failed legacy parsing');
  }
  const sids = statements.map((s) => s['Sid']).filter((sid) => sid);
  if (new Set(sids).size !== sids.length) {
    throw IamErrors.malformed('Statement IDs (SID) in a single policy must be unique.');
  }
  if (statements.some((s) => listOf(s['Action'] ?? s['NotAction']).length === 0)) {
    throw IamErrors.malformed('Policy statement must contain actions.');
  }
  for (const s of statements) {
    for (const resource of listOf(s['Resource'] ?? s['NotResource'])) {
      if (resource !== '*' && !resource.includes(':')) {
        throw IamErrors.malformed(`Resource ${resource} must be in ARN format or "*".`);
      }
    }
  }
  for (const s of statements) for (const action of listOf(s['Action'] ?? s['NotAction'])) checkAction(action);
  if (kind === 'trust') {
    // The wording of AWS's answers to UpdateAssumeRolePolicy as LocalStack recorded them.
    if (statements.some((s) => 'Resource' in s || 'NotResource' in s)) {
      throw IamErrors.malformed('Has prohibited field Resource');
    }
    if (statements.some((s) => listOf(s['Action']).some((a) => a !== '*' && !TRUST_ACTIONS.has(a.toLowerCase())))) {
      throw IamErrors.malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
    if (statements.some((s) => !('Principal' in s) && !('NotPrincipal' in s))) {
      throw IamErrors.malformed(
        'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
      );
    }
  } else {
    if (statements.some((s) => 'Principal' in s || 'NotPrincipal' in s)) {
      throw IamErrors.malformed('Policy document should not specify a principal.');
    }
    if (statements.some((s) => listOf(s['Resource'] ?? s['NotResource']).length === 0)) {
      throw IamErrors.malformed('Policy statement must contain resources.');
    }
  }
}

/** The statements of a document that follows the policy grammar's structure, else undefined. */
function checkSyntax(doc: unknown): Statement[] | undefined {
  if (!isObject(doc)) return undefined;
  if (Object.keys(doc).some((k) => !TOP_LEVEL.has(k))) return undefined;
  if ('Version' in doc && !VERSIONS.has(doc['Version'] as string)) return undefined;
  if ('Id' in doc && typeof doc['Id'] !== 'string') return undefined;
  const raw = doc['Statement'];
  const statements: unknown[] = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : [];
  if (statements.length === 0) return undefined;
  return statements.every(statementSyntaxOk) ? (statements as Statement[]) : undefined;
}

function statementSyntaxOk(s: unknown): boolean {
  if (!isObject(s)) return false;
  if (Object.keys(s).some((k) => !STATEMENT_ELEMENTS.has(k))) return false;
  const both = (a: string, b: string) => a in s && b in s;
  if (both('Action', 'NotAction') || both('Resource', 'NotResource') || both('Principal', 'NotPrincipal')) {
    return false;
  }
  const effect = s['Effect'];
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) return false;
  for (const element of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (element in s && !isStringOrStrings(s[element])) return false;
  }
  if ('Sid' in s && typeof s['Sid'] !== 'string') return false;
  for (const element of ['Principal', 'NotPrincipal']) {
    if (!(element in s)) continue;
    const principal = s[element];
    if (principal !== '*' && !(isObject(principal) && Object.values(principal).every(isStringOrStrings))) {
      return false;
    }
  }
  if ('Condition' in s) {
    const condition = s['Condition'];
    if (!isObject(condition) || !Object.values(condition).every(isObject)) return false;
  }
  return true;
}

function checkAction(action: string): void {
  const parts = action.split(':');
  if (parts.length === 1 && action !== '*') {
    throw IamErrors.malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  }
  if (parts.length > 2) throw IamErrors.malformed('Actions/Condition can contain only one colon.');
  const vendor = parts[0] as string;
  if (vendor !== '*' && /[^a-zA-Z0-9\-.]/.test(vendor)) throw IamErrors.malformed(`Vendor ${vendor} is not valid`);
}

/** A document's size as IAM's quotas count it: white space does not count. */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/**
 * IAM returns every policy document URL-encoded per RFC 3986 (the API reference says so for each
 * document member), exactly as it was sent otherwise. botocore decodes it for its users (and the
 * AWS CLI prints objects); the JavaScript SDK does not, so its callers `decodeURIComponent` it.
 */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Pretty-printed with four spaces, as IAM holds AWS managed policies. */
export function formatDocument(doc: PolicyDocument): string {
  return JSON.stringify(doc, null, 4);
}
