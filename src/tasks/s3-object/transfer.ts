/**
 * `s3-object: download` (one key to a file, or every key under a prefix to a directory, skipping
 * files that already hold the object's content) and `s3-object: copy` (one object to another key
 * or bucket, skipped when the destination already holds the same content and headers).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isNotFound } from '../aws-errors.js';
import { replaceFile } from '../replace-file.js';
import type { ActionContext, ActionImplementation } from '../task.js';
import { localEtag } from './etag.js';
import type { CopyParams, DownloadParams } from './params.js';
import { mapLimit, S3_HINTS, s3Call, s3Url, taggingHeader } from './shared.js';

interface Wanted {
  key: string;
  file: string;
}

async function head(ctx: ActionContext, bucket: string, key: string, versionId?: string) {
  return s3Call(`HeadObject ${s3Url(bucket, key)}`, () =>
    ctx.aws
      .s3()
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }), { abortSignal: ctx.signal }),
  );
}

async function listKeys(ctx: ActionContext, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(`ListObjectsV2 ${s3Url(bucket, prefix)}`, () =>
      ctx.aws.s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), {
        abortSignal: ctx.signal,
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function downloadOne(
  ctx: ActionContext,
  bucket: string,
  want: Wanted,
  versionId: string | undefined,
  skip: boolean,
) {
  const where = s3Url(bucket, want.key);
  const meta = await head(ctx, bucket, want.key, versionId);
  const size = meta.ContentLength ?? 0;
  const existing = await stat(want.file).catch(() => undefined);
  if (skip && existing?.isFile() && meta.ETag === (await localEtag(want.file))) {
    ctx.emit({ type: 'skip', message: `${want.file} already holds ${where} (ETag ${meta.ETag} matches)` });
    return { ...want, meta, downloaded: false };
  }
  const out = await s3Call(`GetObject ${where}`, () =>
    ctx.aws.s3().send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: want.key,
        VersionId: meta.VersionId ?? versionId,
        IfMatch: meta.ETag,
      }),
      {
        abortSignal: ctx.signal,
      },
    ),
  );
  await mkdir(dirname(want.file), { recursive: true });
  await replaceFile(want.file, (temporary) => pipeline(out.Body as Readable, createWriteStream(temporary)));
  ctx.emit({ type: 'change', message: `downloaded ${where} to ${want.file} (${size} bytes)` });
  return { ...want, meta, downloaded: true };
}

export const download: ActionImplementation<DownloadParams> = {
  async run(params, ctx) {
    let wanted: Wanted[];
    if (params.key !== undefined) {
      wanted = [{ key: params.key, file: resolve(ctx.baseDir, params.file ?? basename(params.key)) }];
    } else {
      const prefix = params.prefix ?? '';
      const root = resolve(ctx.baseDir, params.directory ?? '.');
      const keys = await listKeys(ctx, params.bucket, prefix);
      if (!keys.length) {
        throw new PipelineError('ActionFailed', `No object under ${s3Url(params.bucket, prefix)}.`, {
          hint: 'check the prefix (keys are case-sensitive)',
        });
      }
      wanted = keys.map((key) => {
        const file = resolve(root, key.slice(prefix.length).replace(/^\/+/, ''));
        if (relative(root, file).startsWith(`..${sep}`) || file === root) {
          throw new PipelineError('ActionFailed', `The key ${key} would be written outside ${root}.`);
        }
        return { key, file };
      });
    }
    const results = await mapLimit(wanted, 8, (want) =>
      downloadOne(ctx, params.bucket, want, params.versionId, params.skipUnchanged),
    );
    const first = results[0];
    const downloaded = results.filter((r) => r.downloaded).length;
    return {
      outputs: {
        bucket: params.bucket,
        key: first?.key ?? '',
        file: first?.file ?? '',
        files: JSON.stringify(results.map((r) => r.file)),
        etag: first?.meta.ETag ?? '',
        versionId: first?.meta.VersionId ?? '',
        size: first?.meta.ContentLength ?? 0,
        downloaded,
      },
      changed: downloaded > 0,
      summary: `${downloaded} downloaded, ${results.length - downloaded} unchanged from ${s3Url(params.bucket, params.key ?? params.prefix)}`,
    };
  },
};

export const copy: ActionImplementation<CopyParams> = {
  async run(params, ctx) {
    const bucket = params.bucket ?? params.sourceBucket;
    const key = params.key ?? params.sourceKey;
    const from = s3Url(params.sourceBucket, params.sourceKey);
    const to = s3Url(bucket, key);
    const source = await head(ctx, params.sourceBucket, params.sourceKey, params.sourceVersionId);
    const plain =
      params.metadataDirective === 'COPY' && !params.tags && !params.serverSideEncryption && !params.storageClass;
    if (plain && (bucket !== params.sourceBucket || key !== params.sourceKey)) {
      let target: HeadObjectCommandOutput | undefined;
      try {
        target = await ctx.aws
          .s3()
          .send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal });
      } catch (error) {
        if (!isNotFound(error)) throw awsFailure(error, `HeadObject ${to}`, S3_HINTS);
      }
      if (
        target &&
        target.ETag === source.ETag &&
        target.ContentType === source.ContentType &&
        JSON.stringify(target.Metadata ?? {}) === JSON.stringify(source.Metadata ?? {})
      ) {
        ctx.emit({ type: 'skip', message: `${to} already holds ${from} (ETag ${source.ETag} and headers match)` });
        return {
          outputs: {
            bucket,
            key,
            versionId: target.VersionId ?? '',
            etag: target.ETag ?? '',
            sourceVersionId: source.VersionId ?? '',
          },
          changed: false,
          summary: `${to} unchanged`,
        };
      }
    }
    const copySource = `${params.sourceBucket}/${encodeURIComponent(params.sourceKey)}${
      params.sourceVersionId ? `?versionId=${encodeURIComponent(params.sourceVersionId)}` : ''
    }`;
    const input: CopyObjectCommandInput = {
      Bucket: bucket,
      Key: key,
      CopySource: copySource,
      CopySourceIfMatch: source.ETag,
      MetadataDirective: params.metadataDirective,
      ...(params.metadataDirective === 'REPLACE'
        ? {
            Metadata: params.metadata ?? {},
            ContentType: params.contentType ?? source.ContentType,
            ...(params.cacheControl ? { CacheControl: params.cacheControl } : {}),
          }
        : {}),
      ...(params.tags ? { TaggingDirective: 'REPLACE', Tagging: taggingHeader(params.tags) } : {}),
      ...(params.serverSideEncryption ? { ServerSideEncryption: params.serverSideEncryption } : {}),
      ...(params.sseKmsKeyId ? { SSEKMSKeyId: params.sseKmsKeyId } : {}),
      ...(params.storageClass ? { StorageClass: params.storageClass as CopyObjectCommandInput['StorageClass'] } : {}),
    };
    const out = await s3Call(`CopyObject ${from} -> ${to}`, () =>
      ctx.aws.s3().send(new CopyObjectCommand(input), { abortSignal: ctx.signal }),
    );
    ctx.emit({ type: 'change', message: `copied ${from} to ${to}` });
    return {
      outputs: {
        bucket,
        key,
        versionId: out.VersionId ?? '',
        etag: out.CopyObjectResult?.ETag ?? '',
        sourceVersionId: out.CopySourceVersionId ?? source.VersionId ?? '',
      },
      changed: true,
      summary: `copied ${from} to ${to}`,
    };
  },
};
