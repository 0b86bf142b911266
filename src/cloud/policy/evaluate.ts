/**
 * The decision for one request over a set of resource policies, in IAM's order: an applicable
 * Deny wins, else an applicable Allow allows, else the request is implicitly denied. A statement
 * applies when its principal, action, resource and every condition match.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { type ConditionContext, conditionsHold } from './conditions.js';
import { MalformedPolicyError, parsePolicy, type Statement } from './document.js';
import type { AccessRequest, Decision, PolicyDocument, Principal } from './index.js';
import { principalMatches } from './principals.js';
import { wildcardMatch } from './wildcards.js';

export function evaluate(documents: readonly PolicyDocument[], request: AccessRequest): Decision {
  let context: ConditionContext | undefined;
  let allowed = false;
  for (const document of documents) {
    let statements: Statement[];
    try {
      statements = parsePolicy(document).statements;
    } catch (error) {
      // A document IAM would have refused grants nothing (services validate when it is set).
      if (error instanceof MalformedPolicyError) continue;
      throw error;
    }
    for (const statement of statements) {
      if (statement.effect === 'Allow' && allowed) continue;
      if (!matchesRequest(statement, request)) continue;
      context ??= contextOf(request);
      if (!conditionsHold(statement.conditions, context)) continue;
      if (statement.effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

function matchesRequest(statement: Statement, request: AccessRequest): boolean {
  if (statement.principal && !principalMatches(statement.principal, request.principal)) return false;
  if (statement.notPrincipal && principalMatches(statement.notPrincipal, request.principal)) return false;
  if (statement.action && !statement.action.some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.notAction?.some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.resource && !statement.resource.some((r) => wildcardMatch(r, request.resource))) return false;
  if (statement.notResource?.some((r) => wildcardMatch(r, request.resource))) return false;
  return true;
}

/** The request's keys, lower-cased, plus the global keys IAM derives from the principal. */
function contextOf(request: AccessRequest): ConditionContext {
  const context = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(principalKeys(request.principal))) context.set(key, [value]);
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (value === undefined) continue;
    context.set(key.toLowerCase(), typeof value === 'string' ? [value] : value);
  }
  return context;
}

function principalKeys(principal: Principal): Record<string, string> {
  switch (principal.type) {
    case 'Service':
      return { 'aws:principalservicename': principal.service, 'aws:principaltype': 'Service' };
    case 'AWS':
      return {
        'aws:principalaccount': principal.accountId,
        'aws:principalarn': principal.arn,
        'aws:principaltype': principal.arn.endsWith(':root')
          ? 'Account'
          : principal.arn.includes(':assumed-role/')
            ? 'AssumedRole'
            : 'User',
      };
    case 'Anonymous':
      return { 'aws:principaltype': 'Anonymous' };
  }
}
