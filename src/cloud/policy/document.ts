/**
 * A policy document read once into the normalized statements the evaluator walks: every element
 * that IAM allows as a string or a list becomes a list, condition operators and keys are split
 * into their parts. Parsed documents are cached by their text, so a policy that has not changed
 * (same text, same revision) is parsed once however often it is evaluated.
 */

export type Effect = 'Allow' | 'Deny';

/** `*` for everyone, or the principals by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
export type PrincipalSpec = '*' | Record<string, string[]>;

export interface ConditionClause {
  /** The operator as written, without set qualifier and `IfExists`: `StringEquals`, `ArnLike` ... */
  operator: string;
  ifExists: boolean;
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
  /** The condition key, lower-cased (condition keys are case-insensitive). */
  key: string;
  values: string[];
}

export interface Statement {
  sid: string | undefined;
  effect: Effect;
  principal: PrincipalSpec | undefined;
  notPrincipal: PrincipalSpec | undefined;
  action: string[] | undefined;
  notAction: string[] | undefined;
  resource: string[] | undefined;
  notResource: string[] | undefined;
  conditions: ConditionClause[];
}

export interface ParsedPolicy {
  statements: Statement[];
}

/** The document is not a policy IAM would accept; the message says which part. */
export class MalformedPolicyError extends Error {
  override readonly name = 'MalformedPolicyError';
}

const cache = new Map<string, ParsedPolicy>();
const CACHE_LIMIT = 512;

/** Parses a document (JSON text or already parsed); throws MalformedPolicyError. */
export function parsePolicy(document: string | Record<string, unknown>): ParsedPolicy {
  if (typeof document !== 'string') return readPolicy(document);
  const cached = cache.get(document);
  if (cached) return cached;
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    throw new MalformedPolicyError('Syntax errors in policy.');
  }
  const parsed = readPolicy(json);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(document, parsed);
  return parsed;
}

function readPolicy(json: unknown): ParsedPolicy {
  if (!isObject(json)) throw new MalformedPolicyError('Policy document must be a JSON object.');
  const raw = json['Statement'];
  if (raw === undefined) throw new MalformedPolicyError('Missing required field Statement.');
  const list = Array.isArray(raw) ? raw : [raw];
  return { statements: list.map(readStatement) };
}

function readStatement(raw: unknown): Statement {
  if (!isObject(raw)) throw new MalformedPolicyError('Statement must be a JSON object.');
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new MalformedPolicyError(`Invalid effect: ${String(effect)}`);
  }
  if ((raw['Action'] === undefined) === (raw['NotAction'] === undefined)) {
    throw new MalformedPolicyError('Statement must contain exactly one of Action or NotAction.');
  }
  if (raw['Principal'] !== undefined && raw['NotPrincipal'] !== undefined) {
    throw new MalformedPolicyError('Statement may not contain both Principal and NotPrincipal.');
  }
  return {
    sid: typeof raw['Sid'] === 'string' ? raw['Sid'] : undefined,
    effect,
    principal: readPrincipal(raw['Principal']),
    notPrincipal: readPrincipal(raw['NotPrincipal']),
    action: stringList(raw['Action'], 'Action'),
    notAction: stringList(raw['NotAction'], 'NotAction'),
    resource: stringList(raw['Resource'], 'Resource'),
    notResource: stringList(raw['NotResource'], 'NotResource'),
    conditions: readConditions(raw['Condition']),
  };
}

function readPrincipal(raw: unknown): PrincipalSpec | undefined {
  if (raw === undefined) return undefined;
  if (raw === '*') return '*';
  if (!isObject(raw)) throw new MalformedPolicyError('Invalid principal in policy.');
  const spec: Record<string, string[]> = {};
  for (const [kind, value] of Object.entries(raw)) {
    spec[kind] = stringList(value, `Principal ${kind}`) ?? [];
  }
  return spec;
}

const SET_PREFIX = /^(ForAnyValue|ForAllValues):/i;

function readConditions(raw: unknown): ConditionClause[] {
  if (raw === undefined) return [];
  if (!isObject(raw)) throw new MalformedPolicyError('Condition must be a JSON object.');
  const clauses: ConditionClause[] = [];
  for (const [written, block] of Object.entries(raw)) {
    if (!isObject(block)) throw new MalformedPolicyError(`Condition ${written} must be a JSON object.`);
    const setMatch = SET_PREFIX.exec(written);
    const set = setMatch
      ? (setMatch[1] as string).toLowerCase() === 'foranyvalue'
        ? 'ForAnyValue'
        : 'ForAllValues'
      : undefined;
    let operator = setMatch ? written.slice(setMatch[0].length) : written;
    const ifExists = /IfExists$/i.test(operator) && operator.toLowerCase() !== 'null';
    if (ifExists) operator = operator.slice(0, -'IfExists'.length);
    for (const [key, value] of Object.entries(block)) {
      const values = value === null ? undefined : stringList(scalarsToStrings(value), `Condition ${written} ${key}`);
      clauses.push({ operator, ifExists, set, key: key.toLowerCase(), values: values ?? [] });
    }
  }
  return clauses;
}

/** Condition values may be written as JSON numbers or booleans; IAM compares their text. */
function scalarsToStrings(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v));
  return value;
}

function stringList(raw: unknown, element: string): string[] | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw as string[];
  throw new MalformedPolicyError(`${element} must be a string or a list of strings.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
