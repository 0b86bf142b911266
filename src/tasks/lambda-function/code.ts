/**
 * The code a step deploys, and its SHA-256 in Lambda's `CodeSha256` form (base64), so a deploy
 * can skip the code update when the function already runs it.
 *
 * - `zipFile: <file.zip>`: read and hashed locally.
 * - `zipFile: <directory>`: zipped reproducibly in memory (like the package task), then hashed:
 *   the same directory gives the same hash, so an unchanged directory is never redeployed.
 * - `s3Bucket`/`s3Key`: Lambda does not remember where code came from, so the object's SHA-256
 *   is compared with `CodeSha256`. HeadObject with checksum mode gives it for free when the object
 *   carries a full-object SHA-256 checksum (s3-object upload stores one for files up to 8 MB);
 *   otherwise the object is streamed once through SHA-256 (nothing is written to disk). This never
 *   skips wrongly, unlike comparing keys or ETags, which cannot see an object overwritten in place
 *   nor the same bytes under a new key.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { FunctionCode } from '@aws-sdk/client-lambda';
import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isNotFound } from '../aws-errors.js';
import { packageDirectory } from '../package/zip-action.js';
import { S3_HINTS, s3Call, s3Url } from '../s3-object/shared.js';
import type { ActionContext } from '../task.js';
import type { CodeParam } from './params.js';

/** Lambda's limit for a zip sent in the request (larger packages go through S3). */
export const DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024;

export type DesiredCode =
  | { type: 'zip'; bytes: Buffer; sha256: string; source: string; files?: number }
  | { type: 's3'; bucket: string; key: string; version?: string }
  /** A path that does not exist yet: fine in a plan (an earlier step builds it), an error when running. */
  | { type: 'missing'; source: string };

export async function loadCode(
  ctx: ActionContext,
  code: CodeParam,
  options: { plan?: boolean } = {},
): Promise<DesiredCode> {
  if (code.zipFile === undefined) {
    return {
      type: 's3',
      bucket: code.s3Bucket ?? '',
      key: code.s3Key ?? '',
      ...(code.s3ObjectVersion ? { version: code.s3ObjectVersion } : {}),
    };
  }
  const source = resolve(ctx.baseDir, code.zipFile);
  const info = await stat(source).catch(() => undefined);
  if (!info) {
    if (options.plan) return { type: 'missing', source };
    throw new PipelineError('ActionFailed', `The code ${source} does not exist.`, {
      hint: 'build it first (the package task), or fix code.zipFile (relative to the pipeline file)',
    });
  }
  let zip: { bytes: Buffer; sha256: string; files?: number };
  if (info.isDirectory()) {
    zip = await packageDirectory(source);
  } else {
    const bytes = await readFile(source);
    zip = { bytes, sha256: createHash('sha256').update(bytes).digest('base64') };
  }
  if (zip.bytes.length > DIRECT_UPLOAD_LIMIT) {
    throw new PipelineError(
      'ActionFailed',
      `The package ${source} has ${zip.bytes.length} bytes zipped; Lambda takes at most ${DIRECT_UPLOAD_LIMIT} in the request.`,
      { hint: 'upload it with s3-object: upload and pass code: { s3Bucket, s3Key }' },
    );
  }
  return { type: 'zip', ...zip, source };
}

/** The SDK's code members (CreateFunction's `Code`, or UpdateFunctionCode's top-level members). */
export function codeInput(code: DesiredCode): FunctionCode {
  switch (code.type) {
    case 'zip':
      return { ZipFile: code.bytes };
    case 's3':
      return { S3Bucket: code.bucket, S3Key: code.key, ...(code.version ? { S3ObjectVersion: code.version } : {}) };
    case 'missing':
      throw new PipelineError('ActionFailed', `The code ${code.source} does not exist.`);
  }
}

export function describeCode(code: DesiredCode): string {
  switch (code.type) {
    case 'zip':
      return code.files === undefined ? code.source : `${code.source} (${code.files} files)`;
    case 's3':
      return `${s3Url(code.bucket, code.key)}${code.version ? ` version ${code.version}` : ''}`;
    case 'missing':
      return `${code.source} (not built yet)`;
  }
}

/**
 * In a plan, the code an earlier step will have written by then (a package's new zip, an upload's
 * object), which is what running this step will deploy; not what is there now.
 */
function foreseenSha256(ctx: ActionContext, code: DesiredCode): { sha256: string; how: string } | undefined {
  if (code.type === 's3') {
    if (code.version) return undefined;
    const object = ctx.foresight?.lookup('object', s3Url(code.bucket, code.key));
    if (!object) return undefined;
    // An object whose content the uploading step cannot tell: the deploy would compare it then.
    return object.sha256 ? { sha256: object.sha256, how: `the object step ${object.stepId} will upload` } : undefined;
  }
  const file = ctx.foresight?.lookup('file', code.source);
  return file ? { sha256: file.sha256, how: `the zip step ${file.stepId} will write` } : undefined;
}

/**
 * The code's SHA-256 (base64) and how it was learnt, or undefined when it cannot be known yet
 * (in a plan: a local package not built yet, or an S3 object not uploaded yet).
 */
export async function codeSha256(
  ctx: ActionContext,
  code: DesiredCode,
  options: { plan?: boolean } = {},
): Promise<{ sha256: string; how: string } | undefined> {
  const foreseen = options.plan ? foreseenSha256(ctx, code) : undefined;
  if (foreseen) return foreseen;
  if (code.type === 'zip') return { sha256: code.sha256, how: 'the local package' };
  if (code.type === 'missing') return undefined;
  const where = s3Url(code.bucket, code.key);
  const s3 = ctx.aws.s3();
  let head: HeadObjectCommandOutput;
  try {
    head = await s3.send(
      new HeadObjectCommand({ Bucket: code.bucket, Key: code.key, VersionId: code.version, ChecksumMode: 'ENABLED' }),
      { abortSignal: ctx.signal },
    );
  } catch (error) {
    if (options.plan && isNotFound(error)) return undefined;
    throw awsFailure(error, `HeadObject ${where}`, {
      ...S3_HINTS,
      NotFound: 'upload the package first (s3-object: upload), or fix code.s3Bucket / code.s3Key',
    });
  }
  const checksum = head.ChecksumSHA256;
  if (checksum && !checksum.includes('-') && head.ChecksumType !== 'COMPOSITE') {
    return { sha256: checksum, how: "the S3 object's SHA-256 checksum" };
  }
  // No full-object SHA-256 stored: hash the object (pinned to the version and ETag just seen).
  const out = await s3Call(`GetObject ${where}`, () =>
    s3.send(
      new GetObjectCommand({
        Bucket: code.bucket,
        Key: code.key,
        VersionId: code.version ?? head.VersionId,
        IfMatch: head.ETag,
      }),
      { abortSignal: ctx.signal },
    ),
  );
  const hash = createHash('sha256');
  for await (const chunk of out.Body as Readable) hash.update(chunk as Buffer);
  return { sha256: hash.digest('base64'), how: 'the S3 object, hashed after download' };
}
