/**
 * What IAM's handlers share: unique ids, ARNs, whole-value pattern checks, tag merging and
 * Marker/MaxItems paging.
 */
import { randomBytes } from 'node:crypto';
import type { Tag } from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { IamErrors, IamMessages } from './errors.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * IAM's unique ids: a prefix naming the kind (AROA role, ANPA managed policy, AIDA user, AGPA
 * group, AIPA instance profile, APKA SSH public key) and 17 characters; access key ids (AKIA) are
 * 20 characters long, signing certificate ids 24 without a prefix.
 */
export function uniqueId(
  prefix: 'AROA' | 'ANPA' | 'AIDA' | 'AGPA' | 'AIPA' | 'APKA' | 'AKIA' | '',
  length = 21,
): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (let i = 0; id.length < length; i++) id += ID_ALPHABET[(bytes[i] as number) % 32];
  return id;
}

/**
 * IAM reports dates to the second. Records keep milliseconds, which order what was created within
 * one second (ListPolicies lists oldest first).
 */
export const apiDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

export const roleArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:role${path}${name}`;
export const policyArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:policy${path}${name}`;
export const userArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:user${path}${name}`;
export const groupArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:group${path}${name}`;
export const instanceProfileArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:instance-profile${path}${name}`;

export interface ParsedArn {
  /** A 12-digit account, or `aws` for AWS managed policies. */
  accountId: string;
  path: string;
  name: string;
}

function parseArn(arn: string, kind: 'role' | 'policy'): ParsedArn | undefined {
  const match = new RegExp(`^arn:aws[\\w-]*:iam::(\\d{12}|aws):${kind}(/(?:[^/]+/)*)([^/]+)$`).exec(arn);
  if (!match) return undefined;
  return { accountId: match[1] as string, path: match[2] as string, name: match[3] as string };
}

export const parseRoleArn = (arn: string) => parseArn(arn, 'role');
export const parsePolicyArn = (arn: string) => parseArn(arn, 'policy');

/** The caller as IAM names it in AccessDenied messages. */
export function callerArn(ctx: RequestContext): string {
  return ctx.credentials?.principalArn ?? `arn:aws:iam::${ctx.accountId}:root`;
}

/** Tags one user, group, role, policy or instance profile may carry (AWS's fixed quota). */
const TAGS_MAX = 50;

/**
 * How an entity's tag keys compare: case-insensitively for users, roles and the rest, but
 * case-sensitively for managed policies (`a` and `A` are two tags there, as AWS answered
 * LocalStack's recordings, with a shorter duplicate-key message).
 */
export type TagKeyCase = 'insensitive' | 'sensitive';

const tagKey = (key: string | undefined, keyCase: TagKeyCase) =>
  keyCase === 'insensitive' ? (key ?? '').toLowerCase() : (key ?? '');

/**
 * A request may not repeat a key, and a new value replaces the old. `quota` names the quota the
 * total counts against (`TagsPerUser`).
 */
export function mergeTags(
  existing: Tag[],
  added: Tag[] | undefined,
  quota: string,
  keyCase: TagKeyCase = 'insensitive',
): Tag[] {
  const keys = (added ?? []).map((t) => tagKey(t.Key, keyCase));
  if (new Set(keys).size !== keys.length) {
    throw IamErrors.invalidInput(
      keyCase === 'insensitive' ? IamMessages.duplicateTags : IamMessages.duplicateCaseSensitiveTags,
    );
  }
  const kept = existing.filter((t) => !keys.includes(tagKey(t.Key, keyCase)));
  const merged = [...kept, ...(added ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }))];
  if (merged.length > TAGS_MAX) throw IamErrors.limitExceeded(`Cannot exceed quota for ${quota}: ${TAGS_MAX}`);
  return merged;
}

export function removeTags(existing: Tag[], keys: string[] | undefined, keyCase: TagKeyCase = 'insensitive'): Tag[] {
  const removed = new Set((keys ?? []).map((k) => tagKey(k, keyCase)));
  return existing.filter((t) => !removed.has(tagKey(t.Key, keyCase)));
}

export interface PageInput {
  Marker?: string | undefined;
  MaxItems?: number | undefined;
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/**
 * One page of `items`, which are in ascending order of `keyOf`. IAM's Marker is opaque: here it is
 * the last returned item's key, base64url-encoded, so a page stays right when items before it are
 * deleted. MaxItems defaults to 100, as on AWS.
 */
export function paginate<T>(items: T[], keyOf: (item: T, index: number) => string, input: PageInput): Page<T> {
  const after = input.Marker === undefined ? undefined : Buffer.from(input.Marker, 'base64url').toString('utf8');
  const rest = after === undefined ? items : items.filter((item, i) => keyOf(item, i) > after);
  const limit = input.MaxItems ?? 100;
  if (rest.length <= limit) return { items: rest, IsTruncated: false };
  const page = rest.slice(0, limit);
  const last = page[page.length - 1] as T;
  return {
    items: page,
    IsTruncated: true,
    Marker: Buffer.from(keyOf(last, items.indexOf(last)), 'utf8').toString('base64url'),
  };
}

/** A key that sorts like the index (for lists kept in insertion order, such as tags). */
export const indexKey = (_item: unknown, index: number) => String(index).padStart(6, '0');
