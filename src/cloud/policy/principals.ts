/**
 * Whether a statement's Principal (or NotPrincipal) names the requester. An account id and the
 * account's `:root` ARN name every identity of that account; a role ARN also names the sessions
 * assumed from it; `"*"` and `{"AWS": "*"}` name everyone. Wildcards are not allowed in
 * principals beyond the bare `*`, so the rest is exact.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
import type { PrincipalSpec } from './document.js';
import type { Principal } from './index.js';

const ACCOUNT_ROOT = /^arn:aws[\w-]*:iam::(\d{12}):root$/;
const ROLE = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ASSUMED_ROLE = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

export function principalMatches(spec: PrincipalSpec, principal: Principal): boolean {
  if (spec === '*') return true;
  const aws = entriesOf(spec, 'AWS');
  if (aws.includes('*')) return true;
  switch (principal.type) {
    case 'Service':
      return entriesOf(spec, 'Service').some((s) => s.toLowerCase() === principal.service.toLowerCase());
    case 'AWS':
      return aws.some((entry) => namesIdentity(entry, principal.accountId, principal.arn));
    case 'Anonymous':
      return false;
  }
}

function namesIdentity(entry: string, accountId: string, arn: string): boolean {
  if (/^\d{12}$/.test(entry)) return entry === accountId;
  const root = ACCOUNT_ROOT.exec(entry);
  if (root) return root[1] === accountId;
  if (entry === arn) return true;
  const role = ROLE.exec(entry);
  const session = role ? ASSUMED_ROLE.exec(arn) : null;
  return !!role && !!session && role[1] === session[1] && role[2] === session[2];
}

/** The principal kinds are matched case-sensitively by IAM (`AWS`, `Service`); values may be one or a list. */
function entriesOf(spec: Record<string, string[]>, kind: string): string[] {
  return spec[kind] ?? [];
}
