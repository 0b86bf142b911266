/**
 * The template a request carries: inline (TemplateBody), an S3 URL (TemplateURL), or a local file
 * read by the action. A file over TemplateBody's 51,200-byte limit is uploaded to
 * `templateBucket` under a key derived from its content (so an unchanged template is not
 * uploaded again) and passed as TemplateURL, which allows 1 MB.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PipelineError } from '../../pipeline/errors.js';
import { awsCall } from '../aws-errors.js';
import type { ActionContext } from '../task.js';
import { packagedTemplatePath, TemplatePackager, writePackagedTemplate } from './package.js';

/** TemplateBody's limit in bytes; larger templates must come from S3. */
export const TEMPLATE_BODY_LIMIT = 51_200;

export type TemplateInput = { TemplateBody: string } | { TemplateURL: string } | { UsePreviousTemplate: true };

export interface TemplateParams {
  stackName?: string | undefined;
  package?: boolean | undefined;
  packagePrefix?: string | undefined;
  templateBody?: string | Record<string, unknown> | undefined;
  templateFile?: string | undefined;
  templateUrl?: string | undefined;
  templateBucket?: string | undefined;
  usePreviousTemplate?: boolean | undefined;
}

/**
 * The template to send. With `plan`, nothing is written: a packaged template is computed, not
 * uploaded (its artifacts neither), and a file an earlier step's plan foresees is read as it will be.
 */
export async function resolveTemplate(
  params: TemplateParams,
  ctx: ActionContext,
  options: { plan?: boolean } = {},
): Promise<TemplateInput> {
  if (params.usePreviousTemplate) return { UsePreviousTemplate: true };
  if (params.templateUrl !== undefined) return { TemplateURL: params.templateUrl };
  if (params.templateBody !== undefined) {
    return {
      TemplateBody:
        typeof params.templateBody === 'string' ? params.templateBody : JSON.stringify(params.templateBody, null, 2),
    };
  }
  if (params.templateFile === undefined) {
    throw new PipelineError('InvalidPipeline', 'No template: give templateFile, templateBody or templateUrl.');
  }
  const path = isAbsolute(params.templateFile) ? params.templateFile : resolve(ctx.baseDir, params.templateFile);
  let body: Buffer;
  if (params.package) {
    body = Buffer.from(await packageForDeploy(path, params, ctx, options.plan ?? false));
  } else {
    const foreseen = options.plan ? ctx.foresight?.lookup('file', path)?.bytes : undefined;
    try {
      body = foreseen ?? (await readFile(path));
    } catch (error) {
      throw new PipelineError('ActionFailed', `Cannot read templateFile ${params.templateFile} (${path}).`, {
        cause: error,
        hint: 'templateFile is relative to the pipeline file.',
      });
    }
  }
  if (body.length <= TEMPLATE_BODY_LIMIT) return { TemplateBody: body.toString('utf8') };
  if (!params.templateBucket) {
    throw new PipelineError(
      'ActionFailed',
      `The template ${params.templateFile} is ${body.length} bytes, over the ${TEMPLATE_BODY_LIMIT}-byte limit of TemplateBody.`,
      { hint: 'Set templateBucket: the action uploads the template there and passes its TemplateURL.' },
    );
  }
  return { TemplateURL: await uploadTemplate(body, params.templateBucket, params.stackName ?? 'template', ctx) };
}

/** `package: true`: the template packaged into the template bucket; written next to the step's build output when running. */
async function packageForDeploy(path: string, params: TemplateParams, ctx: ActionContext, plan: boolean) {
  const packaged = await new TemplatePackager(ctx, {
    bucket: params.templateBucket ?? '',
    prefix: params.packagePrefix,
    plan,
  }).package(path);
  if (!plan) await writePackagedTemplate(packagedTemplatePath(ctx), packaged.text);
  return packaged.text;
}

async function uploadTemplate(body: Buffer, bucket: string, stackName: string, ctx: ActionContext): Promise<string> {
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 32);
  const key = `lambda-tasks/cloudformation/${stackName}/${digest}.template`;
  const s3 = ctx.aws.s3();
  let present = false;
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal });
    present = true;
  } catch {
    // Not there (or not readable): PutObject below reports a real problem (access, missing bucket).
  }
  if (present) {
    ctx.emit({ type: 'skip', message: `template already uploaded to s3://${bucket}/${key}` });
  } else {
    await awsCall(`PutObject s3://${bucket}/${key}`, () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }), {
        abortSignal: ctx.signal,
      }),
    );
    ctx.emit({ type: 'change', message: `uploaded the template (${body.length} bytes) to s3://${bucket}/${key}` });
  }
  return templateUrl(bucket, key, ctx);
}

/** The TemplateURL of an object: path-style on a custom endpoint (the local cloud), S3's regional host otherwise. */
export function templateUrl(bucket: string, key: string, ctx: ActionContext): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const endpoint = ctx.aws.connection.endpoint;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${path}`;
  return `https://${bucket}.s3.${ctx.aws.region}.amazonaws.com/${path}`;
}
