/**
 * `s3-object: upload`: one file, globs of files, or a directory, to a key or under a prefix.
 * A file whose object is already there with the same content (ETag = local MD5, or the multipart
 * ETag for our part size) and the same headers is skipped, and the skip says why. Files up to
 * 8 MB go in one PutObject carrying a SHA-256 checksum (so `lambda-function: deploy` can compare
 * S3 code with `CodeSha256` without downloading it); larger ones in 8 MB parts via lib-storage.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import mime from 'mime';
import { glob } from 'tinyglobby';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isNotFound } from '../aws-errors.js';
import type { Foreseen } from '../foresight.js';
import { fileSha256 } from '../package/zip-action.js';
import { type ActionContext, type ActionImplementation, KNOWN_AFTER_RUN, type PlannedChange } from '../task.js';
import { localEtag, PART_SIZE } from './etag.js';
import type { UploadParams } from './params.js';
import { ensureBucket, joinKey, mapLimit, S3_HINTS, s3Call, s3Url, taggingHeader } from './shared.js';

interface LocalObject {
  path: string;
  key: string;
  size: number;
  /** In a plan: the content an earlier step will write to `path` (a package's new zip). */
  foreseen?: Foreseen<'file'>;
}

/** The files to upload and their keys, sorted by key. */
async function localObjects(params: UploadParams, ctx: ActionContext): Promise<LocalObject[]> {
  if (params.file !== undefined) {
    const path = resolve(ctx.baseDir, params.file);
    const key = params.key ?? joinKey(params.prefix, basename(path));
    const foreseen = ctx.foresight?.lookup('file', path);
    if (foreseen) return [{ path, key, size: foreseen.size, foreseen }];
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new PipelineError('ActionFailed', `${path} is not a file.`);
    return [{ path, key, size: info.size }];
  }
  const root = resolve(ctx.baseDir, params.directory ?? '.');
  const found = await glob(params.files ?? ['**'], {
    cwd: root,
    dot: true,
    onlyFiles: true,
    expandDirectories: false,
    ...(params.exclude ? { ignore: params.exclude } : {}),
  });
  if (!found.length) {
    throw new PipelineError(
      'ActionFailed',
      `No file to upload: nothing matches ${JSON.stringify(params.files ?? ['**'])} in ${root}.`,
    );
  }
  const objects = await Promise.all(
    found.map(async (rel) => {
      const path = resolve(root, rel);
      return { path, key: joinKey(params.prefix, rel), size: (await stat(path)).size };
    }),
  );
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The headers an uploaded object gets; also what an existing object must have to be skipped. */
function headersFor(params: UploadParams, path: string) {
  return {
    ContentType: params.contentType ?? mime.getType(path) ?? 'application/octet-stream',
    CacheControl: params.cacheControl,
    ContentDisposition: params.contentDisposition,
    ContentEncoding: params.contentEncoding,
    Metadata: params.metadata ?? {},
  };
}

/** Why an existing object does (same) or does not match the local file; pure. */
export function compareObject(
  local: { etag: string; headers: ReturnType<typeof headersFor> },
  params: Pick<UploadParams, 'serverSideEncryption' | 'storageClass' | 'tags'>,
  head: HeadObjectCommandOutput,
  tags?: Record<string, string>,
): { same: boolean; reason: string } {
  if (head.ETag !== local.etag)
    return { same: false, reason: `content differs (ETag ${head.ETag} != local ${local.etag})` };
  const pairs: [string, string | undefined, string | undefined][] = [
    ['Content-Type', head.ContentType, local.headers.ContentType],
    ['Cache-Control', head.CacheControl, local.headers.CacheControl],
    ['Content-Disposition', head.ContentDisposition, local.headers.ContentDisposition],
    ['Content-Encoding', head.ContentEncoding, local.headers.ContentEncoding],
  ];
  if (params.serverSideEncryption) pairs.push(['encryption', head.ServerSideEncryption, params.serverSideEncryption]);
  if (params.storageClass) pairs.push(['storage class', head.StorageClass ?? 'STANDARD', params.storageClass]);
  for (const [name, before, after] of pairs) {
    if ((before || undefined) !== after)
      return { same: false, reason: `${name} differs: ${before ?? 'none'} -> ${after ?? 'none'}` };
  }
  const wanted = Object.fromEntries(Object.entries(local.headers.Metadata).map(([k, v]) => [k.toLowerCase(), v]));
  if (canonical(head.Metadata ?? {}) !== canonical(wanted)) return { same: false, reason: 'metadata differs' };
  if (params.tags && tags && canonical(tags) !== canonical(params.tags)) return { same: false, reason: 'tags differ' };
  return { same: true, reason: `unchanged (ETag ${head.ETag} matches the local file, headers match)` };
}

function canonical(map: Record<string, string>): string {
  return JSON.stringify(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

interface Outcome {
  key: string;
  uploaded: boolean;
  etag: string;
  versionId: string | undefined;
  reason: string;
}

/** What is there now, and whether it is the same as the local file. */
async function inspect(ctx: ActionContext, params: UploadParams, object: LocalObject) {
  const s3 = ctx.aws.s3();
  const headers = headersFor(params, object.path);
  let head: HeadObjectCommandOutput | undefined;
  try {
    head = await s3.send(new HeadObjectCommand({ Bucket: params.bucket, Key: object.key }), {
      abortSignal: ctx.signal,
    });
  } catch (error) {
    // A missing bucket is created (createBucket) or reported by the upload itself.
    if (!isNotFound(error)) throw awsFailure(error, `HeadObject ${s3Url(params.bucket, object.key)}`, S3_HINTS);
  }
  if (!head) return { headers, head, same: false, reason: 'new object' };
  const etag = object.foreseen?.etag ?? (await localEtag(object.path));
  let tags: Record<string, string> | undefined;
  if (params.tags && head.ETag === etag) {
    const out = await s3Call(`GetObjectTagging ${s3Url(params.bucket, object.key)}`, () =>
      s3.send(new GetObjectTaggingCommand({ Bucket: params.bucket, Key: object.key }), { abortSignal: ctx.signal }),
    );
    tags = Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }
  const compared = compareObject({ etag, headers }, params, head, tags);
  const foreseen = object.foreseen;
  if (!foreseen || compared.same) return { headers, head, ...compared };
  return { headers, head, ...compared, reason: `${compared.reason}: the file step ${foreseen.stepId} will write` };
}

async function uploadOne(ctx: ActionContext, params: UploadParams, object: LocalObject): Promise<Outcome> {
  const where = s3Url(params.bucket, object.key);
  const state = await inspect(ctx, params, object);
  if (state.same && params.skipUnchanged && state.head) {
    ctx.emit({ type: 'skip', message: `${where} ${state.reason}` });
    return {
      key: object.key,
      uploaded: false,
      etag: state.head.ETag ?? '',
      versionId: state.head.VersionId,
      reason: state.reason,
    };
  }
  const s3 = ctx.aws.s3();
  const input: PutObjectCommandInput = {
    Bucket: params.bucket,
    Key: object.key,
    ...Object.fromEntries(Object.entries(state.headers).filter(([, v]) => v !== undefined)),
    ...(params.serverSideEncryption ? { ServerSideEncryption: params.serverSideEncryption } : {}),
    ...(params.sseKmsKeyId ? { SSEKMSKeyId: params.sseKmsKeyId } : {}),
    ...(params.storageClass ? { StorageClass: params.storageClass as PutObjectCommandInput['StorageClass'] } : {}),
  };
  let etag: string | undefined;
  let versionId: string | undefined;
  if (object.size <= PART_SIZE) {
    const out = await s3Call(`PutObject ${where}`, async () =>
      s3.send(
        new PutObjectCommand({
          ...input,
          Body: await readFile(object.path),
          ChecksumAlgorithm: 'SHA256',
          ...(params.tags ? { Tagging: taggingHeader(params.tags) } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    etag = out.ETag;
    versionId = out.VersionId;
  } else {
    const upload = new Upload({
      client: s3,
      params: { ...input, Body: createReadStream(object.path) },
      partSize: PART_SIZE,
      queueSize: 4,
      leavePartsOnError: false,
      ...(params.tags ? { tags: Object.entries(params.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    });
    const out = await s3Call(`multipart upload ${where}`, () => upload.done());
    etag = out.ETag;
    versionId = out.VersionId;
  }
  const parts = object.size > PART_SIZE ? `, ${Math.ceil(object.size / PART_SIZE)} parts` : '';
  ctx.emit({ type: 'change', message: `uploaded ${where} (${object.size} bytes${parts}): ${state.reason}` });
  return { key: object.key, uploaded: true, etag: etag ?? '', versionId, reason: state.reason };
}

export const upload: ActionImplementation<UploadParams> = {
  async plan(params, ctx) {
    const objects = await localObjects(params, ctx);
    const states = await mapLimit(objects, 8, (object) => inspect(ctx, params, object));
    const uploading = (i: number) => !(states[i]?.same && params.skipUnchanged);
    const changes = states.map((state, i): PlannedChange => {
      const resource = s3Url(params.bucket, objects[i]?.key ?? '');
      // A bucket that does not exist yet answers HeadObject with 404: every object is new.
      if (!uploading(i)) return { action: 'none', resource, details: [state.reason] };
      return { action: state.head ? 'update' : 'create', resource, details: [state.reason] };
    });
    // Later steps (a deploy comparing CodeSha256) read the objects as they will be.
    await mapLimit(
      objects.map((object, i) => ({ object, i })),
      8,
      async ({ object, i }) => {
        if (!uploading(i)) return;
        const sha256 = object.foreseen?.sha256 ?? (await fileSha256(object.path));
        ctx.foresight?.record('object', s3Url(params.bucket, object.key), { sha256, stepId: ctx.stepId });
      },
    );
    const first = states[0];
    const uploaded = changes.filter((c) => c.action !== 'none').length;
    const firstObject = objects[0];
    return {
      changes,
      outputs: {
        bucket: params.bucket,
        key: firstObject?.key ?? '',
        keys: JSON.stringify(objects.map((o) => o.key)),
        // What S3 answers the upload with is known once it did.
        versionId: uploading(0) ? KNOWN_AFTER_RUN : (first?.head?.VersionId ?? ''),
        etag: uploading(0)
          ? (firstObject?.foreseen?.etag ?? (firstObject ? await localEtag(firstObject.path) : ''))
          : (first?.head?.ETag ?? ''),
        uploaded,
        skipped: objects.length - uploaded,
      },
    };
  },
  async run(params, ctx) {
    const objects = await localObjects(params, ctx);
    if (params.createBucket) await ensureBucket(ctx, ctx.aws.s3(), params.bucket);
    const outcomes = await mapLimit(objects, 8, (object) => uploadOne(ctx, params, object));
    const first = outcomes[0];
    const uploaded = outcomes.filter((o) => o.uploaded).length;
    const skipped = outcomes.length - uploaded;
    return {
      outputs: {
        bucket: params.bucket,
        key: first?.key ?? '',
        keys: JSON.stringify(outcomes.map((o) => o.key)),
        versionId: first?.versionId ?? '',
        etag: first?.etag ?? '',
        uploaded,
        skipped,
      },
      changed: uploaded > 0,
      summary:
        outcomes.length === 1 && first
          ? `${first.uploaded ? 'uploaded' : 'unchanged'} ${s3Url(params.bucket, first.key)}`
          : `${uploaded} uploaded, ${skipped} unchanged to ${s3Url(params.bucket, params.prefix)}`,
    };
  },
};
