/**
 * `s3-object: presign`: a URL that lets its holder GET (or PUT) one object until it expires,
 * signed with the step's credentials. The URL is a bearer credential, so the output is secret:
 * it is masked in every log and report.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ActionImplementation } from '../task.js';
import type { PresignParams } from './params.js';
import { s3Url } from './shared.js';

export const presign: ActionImplementation<PresignParams> = {
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
};
