/**
 * `cloudformation-stack: package`: `aws cloudformation package` as a step (see package.ts). Its
 * output `templateFile` is the packaged template, for a later `deploy` step's `templateFile`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { displayPath } from '../package/files.js';
import { bucketParam, S3Etag, s3Url } from '../s3-object/shared.js';
import { defineAction, type OutputValue, type PlannedChange } from '../task.js';
import { type PackagedTemplate, packagedTemplatePath, TemplatePackager, writePackagedTemplate } from './package.js';

export const packageParams = z.strictObject({
  /** The template to package (JSON or YAML), relative to the pipeline file. */
  templateFile: z.string().min(1),
  /** The bucket the artifacts are uploaded to (`--s3-bucket`). */
  bucket: bucketParam,
  /** Keys of the artifacts start with `<prefix>/` (`--s3-prefix`). @default none */
  prefix: z.string().optional(),
  /** Where to write the packaged template, relative to the pipeline file. @default .lambda-tasks/build/<step>.template.yml */
  outputTemplateFile: z.string().min(1).optional(),
  /** Upload every artifact, even one whose object is there already (`--force-upload`). @default false */
  forceUpload: z.boolean().default(false),
});
type PackageParams = z.infer<typeof packageParams>;

/**
 * `templateFile`: the packaged template's path; `artifacts`: JSON list of `{ location, path, key }`;
 * `uploaded` / `skipped`: how many artifacts were uploaded or were there already.
 */
export const PACKAGE_OUTPUTS = ['templateFile', 'bucket', 'artifacts', 'uploaded', 'skipped'] as const;

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

export const packageAction = defineAction({
  description:
    'Package a template like `aws cloudformation package`: upload the local artifacts it names (zipped reproducibly, keyed by content hash, skipped when there) and write the rewritten template.',
  params: packageParams,
  outputs: PACKAGE_OUTPUTS,
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
});
