/**
 * Packaging a template, as `aws cloudformation package` does: every property of ARTIFACT_PROPERTIES
 * (and every `AWS::Include` location) that names a local path, relative to the template, becomes
 * an artifact: a directory zipped reproducibly (the package task's zip), a file as it is (zipped
 * where the property needs a zip), a nested template packaged itself. Each artifact goes to
 * `<prefix>/<sha256 of its bytes>.<ext>` in the bucket, once: an object already there is not
 * uploaded again. The template is rewritten to point at the objects.
 *
 * A plan computes the same bytes, keys and template without uploading or writing anything, so
 * what it shows is what running would deploy.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isNotFound } from '../aws-errors.js';
import { zipToBuffer } from '../package/zip.js';
import { packageDirectory } from '../package/zip-action.js';
import { replaceFile } from '../replace-file.js';
import { S3_HINTS, s3Call, s3Url } from '../s3-object/shared.js';
import type { ActionContext } from '../task.js';
import { ARTIFACT_PROPERTIES, type ArtifactProperty, INCLUDE_TRANSFORM } from './artifacts.js';
import { templateUrl } from './template.js';
import { parseTemplateText, type TemplateDocument, templateYaml } from './template-yaml.js';

export interface PackageOptions {
  bucket: string;
  /** Keys start with `<prefix>/`. */
  prefix?: string | undefined;
  /** Upload even when the object is already there. @default false */
  forceUpload?: boolean | undefined;
  /** Plan: compute everything, upload nothing. */
  plan: boolean;
}

export interface PackagedArtifact {
  /** Where it was found: `Function.CodeUri`, `Nested.TemplateURL`. */
  location: string;
  /** The local path, relative to the template it was found in. */
  path: string;
  bucket: string;
  key: string;
  sha256: string;
  /** Uploaded (or, in a plan, would be); false when the object was there already. */
  uploaded: boolean;
  versionId?: string;
}

export interface PackagedTemplate {
  template: TemplateDocument;
  /** The rewritten template as YAML. */
  text: string;
  artifacts: PackagedArtifact[];
}

interface Prepared {
  bytes: Buffer;
  extension: string;
}

type Properties = Record<string, unknown>;

function isRecord(value: unknown): value is Properties {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A property that names a local path: a string that is not an S3 or HTTP(S) URL. */
function localPath(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !/^(s3|https?):\/\//i.test(value);
}

/** The object holding a dotted property, and the last name (`Command.ScriptLocation`). */
function holder(properties: Properties, dotted: string): { parent: Properties; name: string } | undefined {
  const names = dotted.split('.');
  const name = names.pop() as string;
  let parent: unknown = properties;
  for (const part of names) parent = isRecord(parent) ? parent[part] : undefined;
  return isRecord(parent) ? { parent, name } : undefined;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export class TemplatePackager {
  private readonly artifacts: PackagedArtifact[] = [];
  /** Objects already checked or uploaded in this packaging, by key (an artifact used twice goes once). */
  private readonly done = new Map<string, Promise<{ uploaded: boolean; versionId?: string }>>();

  constructor(
    private readonly ctx: ActionContext,
    private readonly options: PackageOptions,
  ) {}

  /** Packages the template at `path` (and its nested templates). */
  async package(path: string): Promise<PackagedTemplate> {
    const template = await this.rewrite(path);
    return { template, text: templateYaml(template), artifacts: this.artifacts };
  }

  private async rewrite(path: string): Promise<TemplateDocument> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new PipelineError('ActionFailed', `Cannot read the template ${path}.`, { cause: error });
    }
    let template: TemplateDocument;
    try {
      template = parseTemplateText(text);
    } catch (error) {
      throw new PipelineError('ActionFailed', `The template ${path} is not valid JSON or YAML: ${String(error)}`);
    }
    const base = dirname(path);
    const resources = isRecord(template['Resources']) ? template['Resources'] : {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isRecord(resource) || typeof resource['Type'] !== 'string') continue;
      const properties = isRecord(resource['Properties']) ? resource['Properties'] : {};
      for (const spec of ARTIFACT_PROPERTIES) {
        if (spec.resourceType !== resource['Type']) continue;
        if (spec.whenMissing && (properties['InlineCode'] !== undefined || properties['PackageType'] === 'Image')) {
          continue;
        }
        const at = holder(properties, spec.property);
        if (!at) continue;
        const value = at.parent[at.name] ?? (spec.whenMissing ? '.' : undefined);
        if (!localPath(value)) continue;
        at.parent[at.name] = await this.export(spec, value, base, `${logicalId}.${spec.property}`);
        resource['Properties'] = properties;
      }
    }
    await this.includes(template, base);
    return template;
  }

  /** `AWS::Include` transforms anywhere in the template: their local Location goes to S3. */
  private async includes(node: unknown, base: string): Promise<void> {
    if (Array.isArray(node)) {
      for (const item of node) await this.includes(item, base);
      return;
    }
    if (!isRecord(node)) return;
    const transform = node['Fn::Transform'];
    if (isRecord(transform) && transform['Name'] === INCLUDE_TRANSFORM && isRecord(transform['Parameters'])) {
      const parameters = transform['Parameters'];
      if (localPath(parameters['Location'])) {
        parameters['Location'] = await this.export(
          { resourceType: INCLUDE_TRANSFORM, property: 'Location', rewrite: { type: 'uri' } },
          parameters['Location'],
          base,
          'AWS::Include.Location',
        );
      }
    }
    for (const value of Object.values(node)) await this.includes(value, base);
  }

  /** Uploads (or plans) one artifact and returns the property's new value. */
  private async export(spec: ArtifactProperty, path: string, base: string, location: string): Promise<unknown> {
    const absolute = resolve(base, path);
    const prepared = await this.prepare(spec, absolute, location);
    const digest = createHash('sha256').update(prepared.bytes).digest();
    const sha256 = digest.toString('hex');
    // Lambda's CodeSha256 form, what the artifact list and later plans compare.
    const sha256Base64 = digest.toString('base64');
    const prefix = this.options.prefix?.replace(/\/+$/, '');
    const key = `${prefix ? `${prefix}/` : ''}${sha256}${prepared.extension}`;
    const { bucket } = this.options;
    // An artifact used twice (one code directory for two functions) is uploaded and counted once.
    const earlier = this.done.get(key);
    const pending = earlier ?? this.upload(key, prepared.bytes);
    if (!earlier) this.done.set(key, pending);
    const result = await pending;
    const uploaded = result.uploaded && !earlier;
    const versionId = result.versionId;
    this.artifacts.push({
      location,
      path,
      bucket,
      key,
      sha256: sha256Base64,
      uploaded,
      ...(versionId ? { versionId } : {}),
    });
    // The objects later steps' plans will find (a function deploy comparing CodeSha256).
    if (this.options.plan && uploaded) {
      this.ctx.foresight?.record('object', s3Url(bucket, key), {
        sha256: sha256Base64,
        stepId: this.ctx.stepId,
      });
    }
    switch (spec.rewrite.type) {
      case 'uri':
        return `s3://${bucket}/${key}`;
      case 'template':
        return templateUrl(bucket, key, this.ctx);
      case 'object':
        return {
          [spec.rewrite.bucket]: bucket,
          [spec.rewrite.key]: key,
          ...(versionId && spec.rewrite.version ? { [spec.rewrite.version]: versionId } : {}),
        };
    }
  }

  /** The artifact's bytes: a zipped directory, a file (zipped when it must be), a packaged template. */
  private async prepare(spec: ArtifactProperty, absolute: string, location: string): Promise<Prepared> {
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      throw new PipelineError('ActionFailed', `${location} refers to ${absolute}, which does not exist.`, {
        hint: 'local paths in a template are relative to the template file',
      });
    }
    if (spec.rewrite.type === 'template') {
      if (!info.isFile()) throw new PipelineError('ActionFailed', `${location}: ${absolute} is not a template file.`);
      const nested = await this.rewrite(absolute);
      return { bytes: Buffer.from(templateYaml(nested)), extension: '.template' };
    }
    if (info.isDirectory()) return { bytes: (await packageDirectory(absolute)).bytes, extension: '.zip' };
    const bytes = await readFile(absolute);
    if (spec.zip && !bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
      const file = { path: basename(absolute), absolute, executable: (info.mode & 0o111) !== 0, size: info.size };
      return { bytes: (await zipToBuffer([file])).bytes, extension: '.zip' };
    }
    return { bytes, extension: extname(absolute) };
  }

  /** Puts the object unless it is there already (same key, same content: the key is the hash). */
  private async upload(key: string, bytes: Buffer): Promise<{ uploaded: boolean; versionId?: string }> {
    const { bucket } = this.options;
    const where = s3Url(bucket, key);
    const s3 = this.ctx.aws.s3();
    if (!this.options.forceUpload) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), {
          abortSignal: this.ctx.signal,
        });
        this.ctx.emit({ type: 'skip', message: `${where} is there already (same content hash)` });
        return { uploaded: false, ...(head.VersionId ? { versionId: head.VersionId } : {}) };
      } catch (error) {
        if (!isNotFound(error)) throw awsFailure(error, `HeadObject ${where}`, S3_HINTS);
      }
    }
    if (this.options.plan) return { uploaded: true };
    const out = await s3Call(`PutObject ${where}`, () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ChecksumAlgorithm: 'SHA256' }), {
        abortSignal: this.ctx.signal,
      }),
    );
    this.ctx.emit({ type: 'change', message: `uploaded ${where} (${bytes.length} bytes)` });
    return { uploaded: true, ...(out.VersionId ? { versionId: out.VersionId } : {}) };
  }
}

/** Where a deploy with `package: true` writes the packaged template. */
export function packagedTemplatePath(ctx: ActionContext, file?: string): string {
  return resolve(ctx.baseDir, file ?? `.lambda-tasks/build/${ctx.stepId}.template.yml`);
}

/** Writes the packaged template atomically; false when the file already had this text. */
export async function writePackagedTemplate(path: string, text: string): Promise<boolean> {
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await mkdir(dirname(path), { recursive: true });
  await replaceFile(path, (temporary) => writeFile(temporary, text));
  return true;
}
