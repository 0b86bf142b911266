/**
 * Condition blocks as IAM evaluates them: every clause must hold (keys AND), a clause holds when
 * the request's value matches any of its values (values OR), negated operators hold when none
 * matches. A key missing from the request fails a clause, except for negated operators (true),
 * `...IfExists` (true) and `Null` (which tests exactly that). `ForAnyValue:`/`ForAllValues:` apply
 * the operator to each value of a multivalued key.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
import { BlockList, isIP } from 'node:net';
import type { ConditionClause } from './document.js';
import { arnMatch, wildcardMatch } from './wildcards.js';

/** The request's condition keys, lower-cased, each with its values. */
export type ConditionContext = ReadonlyMap<string, readonly string[]>;

type Compare = (policyValue: string, requestValue: string) => boolean;

interface OperatorRule {
  compare: Compare;
  /** Negated operators hold when no policy value matches. */
  negated: boolean;
}

const POSITIVE: Record<string, Compare> = {
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => wildcardMatch(p, v),
  arnequals: arnMatch,
  arnlike: arnMatch,
  numericequals: numeric((p, v) => v === p),
  numericlessthan: numeric((p, v) => v < p),
  numericlessthanequals: numeric((p, v) => v <= p),
  numericgreaterthan: numeric((p, v) => v > p),
  numericgreaterthanequals: numeric((p, v) => v >= p),
  dateequals: date((p, v) => v === p),
  datelessthan: date((p, v) => v < p),
  datelessthanequals: date((p, v) => v <= p),
  dategreaterthan: date((p, v) => v > p),
  dategreaterthanequals: date((p, v) => v >= p),
  bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
  binaryequals: (p, v) => p === v,
  ipaddress: ipInRange,
};

const NEGATIONS: Record<string, string> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
  notipaddress: 'ipaddress',
};

function operatorRule(operator: string): OperatorRule | undefined {
  const name = operator.toLowerCase();
  const positive = POSITIVE[name];
  if (positive) return { compare: positive, negated: false };
  const negatedOf = NEGATIONS[name];
  const compare = negatedOf ? POSITIVE[negatedOf] : undefined;
  return compare ? { compare, negated: true } : undefined;
}

export function conditionsHold(clauses: readonly ConditionClause[], context: ConditionContext): boolean {
  return clauses.every((clause) => clauseHolds(clause, context));
}

function clauseHolds(clause: ConditionClause, context: ConditionContext): boolean {
  const present = context.get(clause.key);
  const requestValues = present && present.length > 0 ? present : undefined;
  if (clause.operator.toLowerCase() === 'null') {
    const wantsAbsent = clause.values.some((v) => v.toLowerCase() === 'true');
    return wantsAbsent === (requestValues === undefined);
  }
  // An operator IAM does not know makes the statement never apply, as an unmatched condition.
  const rule = operatorRule(clause.operator);
  if (!rule) return false;
  if (requestValues === undefined) {
    if (clause.set === 'ForAllValues') return true;
    if (clause.set === 'ForAnyValue') return false;
    return clause.ifExists || rule.negated;
  }
  const valueHolds = (value: string): boolean => {
    const matched = clause.values.some((p) => rule.compare(p, value));
    return rule.negated ? !matched : matched;
  };
  if (clause.set === 'ForAllValues') return requestValues.every(valueHolds);
  if (clause.set === 'ForAnyValue') return requestValues.some(valueHolds);
  // A single-valued operator on a key with several values: a positive operator holds when any
  // value matches, a negated one only when none does.
  return rule.negated ? requestValues.every(valueHolds) : requestValues.some(valueHolds);
}

function numeric(test: (policy: number, request: number) => boolean): Compare {
  return (p, v) => {
    const policy = Number(p);
    const request = Number(v);
    return (
      p.trim() !== '' && v.trim() !== '' && Number.isFinite(policy) && Number.isFinite(request) && test(policy, request)
    );
  };
}

/** Dates as ISO 8601 text or epoch seconds, as IAM accepts both. */
function date(test: (policy: number, request: number) => boolean): Compare {
  return (p, v) => {
    const policy = toEpochMs(p);
    const request = toEpochMs(v);
    return policy !== undefined && request !== undefined && test(policy, request);
  };
}

function toEpochMs(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** IpAddress: the policy value is an address or a CIDR block (IPv4 or IPv6). */
function ipInRange(p: string, v: string): boolean {
  const family = isIP(v);
  if (!family) return false;
  const [network = '', bits] = p.split('/');
  const networkFamily = isIP(network);
  if (!networkFamily) return false;
  const type = networkFamily === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  if (bits === undefined) list.addAddress(network, type);
  else {
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (networkFamily === 6 ? 128 : 32)) return false;
    list.addSubnet(network, prefix, type);
  }
  return list.check(v, family === 6 ? 'ipv6' : 'ipv4');
}
