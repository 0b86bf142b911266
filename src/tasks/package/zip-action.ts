/**
 * The `package` task's `zip` action (see index.ts), and packaging a directory for other tasks
 * (`code: { zipFile: <directory> }`, `cloudformation-stack: package`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PipelineError } from '../../pipeline/errors.js';
import { S3Etag } from '../s3-object/etag.js';
import type { ActionContext, ActionImplementation } from '../task.js';
import { displayPath, IGNORE_FILE, listSourceFiles, type SelectOptions, type SourceFile } from './files.js';
import type { ZipParams } from './params.js';
import { type ZipDigest, zipDigest, zipToBuffer, zipToFile } from './zip.js';

/** A directory as a deployment package in memory (for `code: { zipFile: <directory> }`). */
export async function packageDirectory(
  directory: string,
  options: SelectOptions = {},
): Promise<ZipDigest & { bytes: Buffer; files: number }> {
  const files = await selectFiles(directory, options);
  return { ...(await zipToBuffer(files)), files: files.length };
}

async function selectFiles(directory: string, options: SelectOptions): Promise<SourceFile[]> {
  const files = await listSourceFiles(directory, options);
  if (!files.length) {
    throw new PipelineError('ActionFailed', `Nothing to package in ${directory}: no file is left after filtering.`, {
      hint: `check include/exclude and ${IGNORE_FILE}`,
    });
  }
  return files;
}

function locations(params: ZipParams, ctx: ActionContext) {
  return {
    source: resolve(ctx.baseDir, params.source),
    file: resolve(ctx.baseDir, params.file ?? `.lambda-tasks/build/${ctx.stepId}.zip`),
  };
}

function selection(params: ZipParams, file: string): SelectOptions {
  return {
    ...(params.include ? { include: params.include } : {}),
    ...(params.exclude ? { exclude: params.exclude } : {}),
    skip: [file],
  };
}

/** SHA-256 (base64) of a file that may not exist. */
export async function fileSha256(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return hash.digest('base64');
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function packageOutputs(file: string, digest: { sha256: string; size: number }) {
  return {
    file,
    sha256: digest.sha256,
    sha256Hex: Buffer.from(digest.sha256, 'base64').toString('hex'),
    size: digest.size,
  };
}

export const zip: ActionImplementation<ZipParams> = {
  async plan(params, ctx) {
    const { source, file } = locations(params, ctx);
    const files = await selectFiles(source, selection(params, file));
    // The zip is reproducible: hashing it in memory tells what running will write, and the zip
    // left by the last run stays as it is.
    const etag = new S3Etag();
    const [digest, previous] = await Promise.all([zipDigest(files, (chunk) => etag.update(chunk)), fileSha256(file)]);
    const shown = displayPath(ctx.baseDir, file);
    const details = [`${files.length} files from ${displayPath(ctx.baseDir, source)}, sha256 ${digest.sha256}`];
    const outputs = packageOutputs(file, digest);
    if (previous === digest.sha256) return { changes: [{ action: 'none', resource: shown, details }], outputs };
    // Later steps read the new zip, not the one on disk.
    ctx.foresight?.record('file', file, { ...digest, etag: etag.digest(), stepId: ctx.stepId });
    if (previous) details.push(`was sha256 ${previous}`);
    return { changes: [{ action: previous ? 'update' : 'create', resource: shown, details }], outputs };
  },
  async run(params, ctx) {
    const { source, file } = locations(params, ctx);
    const files = await selectFiles(source, selection(params, file));
    await mkdir(dirname(file), { recursive: true });
    const previous = await fileSha256(file);
    const digest = await zipToFile(files, file);
    const shown = displayPath(ctx.baseDir, file);
    const what = `${shown} (${files.length} files, ${formatSize(digest.size)}, sha256 ${digest.sha256})`;
    const changed = previous !== digest.sha256;
    if (changed) ctx.emit({ type: 'change', message: `wrote ${what}` });
    else ctx.emit({ type: 'skip', message: `package unchanged: ${what} has the same sha256 as before` });
    return {
      outputs: packageOutputs(file, digest),
      changed,
      summary: `${changed ? 'packaged' : 'unchanged'} ${shown} (${files.length} files, ${formatSize(digest.size)})`,
    };
  },
};
