/**
 * `s3-object: delete`: one key (or version), a list of keys, or every key under a prefix. S3 itself
 * answers a delete of a missing key with success; this action fails instead (a typo in a key
 * should not pass silently) unless `doNotFailIfNotExists: true`, and then says what it skipped.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isNotFound } from '../aws-errors.js';
import type { ActionContext, ActionImplementation, PlannedChange } from '../task.js';
import type { DeleteParams } from './params.js';
import { S3_HINTS, s3Call, s3Url } from './shared.js';

async function exists(ctx: ActionContext, bucket: string, key: string, versionId?: string): Promise<boolean> {
  try {
    await ctx.aws.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }), {
      abortSignal: ctx.signal,
    });
    return true;
  } catch (error) {
    // A delete marker as the current version answers 405 with x-amz-delete-marker: gone as well.
    if (isNotFound(error) || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 405) {
      return false;
    }
    throw awsFailure(error, `HeadObject ${s3Url(bucket, key)}`, S3_HINTS);
  }
}

/** The keys to delete that exist, and the ones named that do not. */
async function targets(params: DeleteParams, ctx: ActionContext): Promise<{ found: string[]; missing: string[] }> {
  if (params.prefix !== undefined) {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3Call(`ListObjectsV2 ${s3Url(params.bucket, params.prefix)}`, () =>
        ctx.aws
          .s3()
          .send(new ListObjectsV2Command({ Bucket: params.bucket, Prefix: params.prefix, ContinuationToken: token }), {
            abortSignal: ctx.signal,
          }),
      );
      for (const o of page.Contents ?? []) if (o.Key) found.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { found, missing: found.length ? [] : [`${params.prefix}*`] };
  }
  const named = params.keys ?? (params.key ? [params.key] : []);
  const found: string[] = [];
  const missing: string[] = [];
  for (const key of named) {
    if (await exists(ctx, params.bucket, key, params.versionId)) found.push(key);
    else missing.push(key);
  }
  return { found, missing };
}

function reportMissing(params: DeleteParams, ctx: ActionContext, missing: string[]): void {
  if (!missing.length) return;
  const what = missing.map((k) => s3Url(params.bucket, k)).join(', ');
  if (!params.doNotFailIfNotExists) {
    throw new PipelineError('ActionFailed', `Nothing to delete at ${what}: no such object.`, {
      hint: 'check the bucket and key, or set doNotFailIfNotExists: true',
    });
  }
  ctx.emit({ type: 'skip', message: `${what} does not exist (doNotFailIfNotExists)` });
}

export const remove: ActionImplementation<DeleteParams> = {
  async plan(params, ctx): Promise<PlannedChange[]> {
    const { found, missing } = await targets(params, ctx);
    return [
      ...found.map((key): PlannedChange => ({ action: 'delete', resource: s3Url(params.bucket, key), details: [] })),
      ...missing.map(
        (key): PlannedChange => ({
          action: 'none',
          resource: s3Url(params.bucket, key),
          details: [params.doNotFailIfNotExists ? 'does not exist' : 'does not exist: the step will fail'],
        }),
      ),
    ];
  },
  async run(params, ctx) {
    const { found, missing } = await targets(params, ctx);
    reportMissing(params, ctx, missing);
    const s3 = ctx.aws.s3();
    if (params.key !== undefined && found.length) {
      await s3Call(`DeleteObject ${s3Url(params.bucket, params.key)}`, () =>
        s3.send(new DeleteObjectCommand({ Bucket: params.bucket, Key: params.key, VersionId: params.versionId }), {
          abortSignal: ctx.signal,
        }),
      );
    } else {
      for (let i = 0; i < found.length; i += 1000) {
        const batch: ObjectIdentifier[] = found.slice(i, i + 1000).map((Key) => ({ Key }));
        const out = await s3Call(`DeleteObjects ${s3Url(params.bucket)}`, () =>
          s3.send(new DeleteObjectsCommand({ Bucket: params.bucket, Delete: { Objects: batch, Quiet: true } }), {
            abortSignal: ctx.signal,
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length) {
          const first = failed[0];
          throw new PipelineError(
            'AwsError',
            `${first?.Code}: ${first?.Message} (DeleteObjects ${s3Url(params.bucket, first?.Key)}, ${failed.length} failed)`,
            { hint: S3_HINTS[first?.Code ?? ''] ?? 'check the bucket policy and object lock settings' },
          );
        }
      }
    }
    for (const key of found) {
      const version = params.versionId ? ` version ${params.versionId}` : '';
      ctx.emit({ type: 'change', message: `deleted ${s3Url(params.bucket, key)}${version}` });
    }
    return {
      outputs: { bucket: params.bucket, keys: JSON.stringify(found), count: found.length },
      changed: found.length > 0,
      summary: found.length ? `deleted ${found.length} object(s) from ${s3Url(params.bucket)}` : 'nothing to delete',
    };
  },
};
