/**
 * `s3-object: presign`: a URL that lets its holder GET (or PUT) one object until it expires,
 * signed with the step's credentials. The URL is a bearer credential, so the output is secret:
 * it is masked in every log and report.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { z } from 'zod';
import { defineAction } from '../task.js';
import { bucketParam, s3Url } from './shared.js';

/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRY_SECONDS = 604_800;

export const presignParams = z
  .strictObject({
    bucket: bucketParam,
    key: z.string().min(1),
    /** GET to read the object, PUT to write it. @default GET */
    method: z.enum(['GET', 'PUT']).default('GET'),
    /** Seconds the URL stays valid (at most 7 days). @default 3600 */
    expiresIn: z.number().int().min(1).max(MAX_EXPIRY_SECONDS).default(3600),
    /** GET: a version of the object. */
    versionId: z.string().min(1).optional(),
    /** PUT: the Content-Type the uploader must send. */
    contentType: z.string().min(1).optional(),
  })
  .superRefine((p, issue) => {
    if (p.method === 'GET' && p.contentType !== undefined) {
      issue.addIssue({ code: 'custom', path: ['contentType'], message: '`contentType` goes with method: PUT' });
    }
    if (p.method === 'PUT' && p.versionId !== undefined) {
      issue.addIssue({ code: 'custom', path: ['versionId'], message: '`versionId` goes with method: GET' });
    }
  });

export const presign = defineAction({
  description: 'Create a presigned URL to GET or PUT an object (the URL output is secret).',
  params: presignParams,
  outputs: ['url', 'expires', 'bucket', 'key'],
  async run(params, ctx) {
    const command =
      params.method === 'GET'
        ? new GetObjectCommand({ Bucket: params.bucket, Key: params.key, VersionId: params.versionId })
        : new PutObjectCommand({ Bucket: params.bucket, Key: params.key, ContentType: params.contentType });
    const url = await getSignedUrl(ctx.aws.s3(), command, { expiresIn: params.expiresIn });
    ctx.secret(url);
    const expires = new Date(Date.now() + params.expiresIn * 1000).toISOString();
    ctx.emit({
      type: 'info',
      message: `presigned ${params.method} ${s3Url(params.bucket, params.key)} until ${expires}`,
    });
    return {
      outputs: { url: { value: url, secret: true }, expires, bucket: params.bucket, key: params.key },
      changed: false,
      summary: `presigned ${params.method} ${s3Url(params.bucket, params.key)} for ${params.expiresIn} s`,
    };
  },
});
