/** What the serverless resources expand to, and the small helpers every expansion shares. */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';

/** A CloudFormation resource as the expansion writes it into the template. */
export interface OutputResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: unknown;
  Condition?: unknown;
  DeletionPolicy?: unknown;
  UpdateReplacePolicy?: unknown;
  UpdatePolicy?: unknown;
  Metadata?: unknown;
}

/** A serverless resource of the input template. */
export interface SamResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  /** DependsOn and the resource attributes SAM carries over (Condition, DeletionPolicy ...). */
  attributes: Record<string, unknown>;
}

/** The attributes a SAM resource's generated children inherit. */
export function passThroughAttributes(resource: SamResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy']) {
    if (resource.attributes[name] !== undefined) out[name] = resource.attributes[name];
  }
  return out;
}

/** The attributes the main generated resource keeps (all of the SAM resource's, DependsOn first). */
export function ownAttributes(resource: SamResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ['DependsOn', 'DeletionPolicy', 'UpdatePolicy', 'Condition', 'UpdateReplacePolicy', 'Metadata']) {
    if (resource.attributes[name] !== undefined) out[name] = resource.attributes[name];
  }
  return out;
}

/** A resource with only the properties that are set, as the translator writes it. */
export function resource(
  type: string,
  properties: Record<string, unknown>,
  attributes: Record<string, unknown> = {},
): OutputResource {
  return {
    Type: type,
    ...attributes,
    Properties: Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)),
  };
}

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** `{ Key, Value }` tags from a SAM `Tags` map. */
export function tagList(tags: unknown): { Key: string; Value: unknown }[] {
  return isRecord(tags) ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : [];
}

const SAM_TAG = 'lambda:createdBy';
const RESERVED_TAGS = [SAM_TAG, 'serverlessrepo:applicationId', 'serverlessrepo:semanticVersion'];

/** The tags SAM gives what it generates: its own `lambda:createdBy: SAM` first, then `extra`, then the user's. */
export function samTags(logicalId: string, tags: unknown, extra: Record<string, unknown> = {}) {
  for (const reserved of RESERVED_TAGS) {
    if (isRecord(tags) && Object.hasOwn(tags, reserved)) {
      throw new SamResourceError(
        logicalId,
        `${reserved} is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.`,
      );
    }
  }
  return [{ Key: SAM_TAG, Value: 'SAM' }, ...tagList(extra), ...tagList(tags)];
}

/**
 * `CodeUri`/`ContentUri` as Lambda's `Code`/`Content`: `s3://bucket/key?versionId=v` or
 * `{ Bucket, Key, Version }`. Local paths are for `aws cloudformation package` to upload first.
 */
export function s3Location(logicalId: string, property: string, location: unknown): Record<string, unknown> {
  let pointer: { Bucket: unknown; Key: unknown; Version?: unknown };
  if (isRecord(location)) {
    if (!location['Bucket'] || !location['Key']) {
      throw new SamResourceError(logicalId, `'${property}' requires Bucket and Key properties to be specified.`);
    }
    pointer = { Bucket: location['Bucket'], Key: location['Key'], Version: location['Version'] };
  } else if (typeof location === 'string') {
    const parsed = parseS3Uri(location);
    if (!parsed) {
      throw new SamResourceError(
        logicalId,
        `'${property}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.`,
      );
    }
    pointer = parsed;
  } else {
    throw new SamResourceError(logicalId, `'${property}' must be of type dict or string.`);
  }
  return {
    S3Bucket: pointer.Bucket,
    S3Key: pointer.Key,
    ...(pointer.Version !== undefined ? { S3ObjectVersion: pointer.Version } : {}),
  };
}

function parseS3Uri(uri: string): { Bucket: string; Key: string; Version?: string } | undefined {
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)(?:\?([^#]*))?/.exec(uri);
  if (!match?.[1] || !match[2]) return undefined;
  const key = match[2].replace(/^\/+/, '');
  const versions = new URLSearchParams(match[3] ?? '').getAll('versionId');
  return versions.length === 1 && versions[0]
    ? { Bucket: match[1], Key: key, Version: versions[0] }
    : { Bucket: match[1], Key: key };
}
