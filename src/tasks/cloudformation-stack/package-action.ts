/**
 * `cloudformation-stack: package`: `aws cloudformation package` as a step (see package.ts). Its
 * output `templateFile` is the packaged template, for a later `deploy` step's `templateFile`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { displayPath } from '../package/files.js';
import { S3Etag } from '../s3-object/etag.js';
import { ensureBucket, s3Url } from '../s3-object/shared.js';
import type { ActionImplementation, OutputValue, PlannedChange } from '../task.js';
import { type PackagedTemplate, packagedTemplatePath, TemplatePackager, writePackagedTemplate } from './package.js';
import type { PackageParams } from './params.js';

function outputs(file: string, params: PackageParams, packaged: PackagedTemplate): Record<string, OutputValue> {
  const uploaded = packaged.artifacts.filter((a) => a.uploaded).length;
  return {
    templateFile: file,
    bucket: params.bucket,
    artifacts: JSON.stringify(packaged.artifacts.map(({ location, path, key }) => ({ location, path, key }))),
    uploaded,
    skipped: packaged.artifacts.length - uploaded,
  };
}

export const packageAction: ActionImplementation<PackageParams> = {
  async plan(params, ctx) {
    const file = packagedTemplatePath(ctx, params.outputTemplateFile);
    const packaged = await new TemplatePackager(ctx, { ...params, plan: true }).package(
      resolve(ctx.baseDir, params.templateFile),
    );
    const changes: PlannedChange[] = packaged.artifacts.map((a) => ({
      action: a.uploaded ? 'create' : 'none',
      resource: s3Url(a.bucket, a.key),
      details: [`${a.location}: ${a.path}`],
    }));
    const before = await readFile(file, 'utf8').catch(() => undefined);
    const shown = displayPath(ctx.baseDir, file);
    if (before === packaged.text) {
      changes.push({ action: 'none', resource: shown, details: ['packaged template unchanged'] });
    } else {
      const bytes = Buffer.from(packaged.text);
      const etag = new S3Etag();
      etag.update(bytes);
      // A later deploy step reads the template this step will write, not the one on disk.
      ctx.foresight?.record('file', file, {
        sha256: createHash('sha256').update(bytes).digest('base64'),
        etag: etag.digest(),
        size: bytes.length,
        bytes,
        stepId: ctx.stepId,
      });
      changes.push({
        action: before === undefined ? 'create' : 'update',
        resource: shown,
        details: ['packaged template'],
      });
    }
    return { changes, outputs: outputs(file, params, packaged) };
  },
  async run(params, ctx) {
    const file = packagedTemplatePath(ctx, params.outputTemplateFile);
    if (params.createBucket) await ensureBucket(ctx, ctx.aws.s3(), params.bucket);
    const packaged = await new TemplatePackager(ctx, { ...params, plan: false }).package(
      resolve(ctx.baseDir, params.templateFile),
    );
    const written = await writePackagedTemplate(file, packaged.text);
    const result = outputs(file, params, packaged);
    const shown = displayPath(ctx.baseDir, file);
    ctx.emit(
      written
        ? { type: 'change', message: `wrote the packaged template ${shown}` }
        : { type: 'skip', message: `packaged template ${shown} unchanged` },
    );
    return {
      outputs: result,
      changed: written || Number(result.uploaded) > 0,
      summary: `packaged ${params.templateFile} into ${shown}: ${result.uploaded} uploaded, ${result.skipped} already in ${s3Url(params.bucket)}`,
    };
  },
};
