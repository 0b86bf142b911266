/**
 * The `with:` parameters of the s3-object actions: all that validating a pipeline needs, without
 * the S3 client the actions themselves load. Each schema is a builder, called on first use (see
 * ParamsSchema).
 */
import * as z from 'zod';

export const bucketParam = () => z.string().min(3).max(63);
const stringMap = () => z.record(z.string(), z.string());
const serverSideEncryption = () => z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']);

export const uploadParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      /** One file (relative to the pipeline file). */
      file: z.string().min(1).optional(),
      /** Globs of files, relative to `directory` (or the pipeline file's directory). */
      files: z.array(z.string().min(1)).min(1).optional(),
      /** A directory to upload; with `files`, the directory the globs are relative to. */
      directory: z.string().min(1).optional(),
      /** Globs to leave out (with `files` or `directory`). */
      exclude: z.array(z.string().min(1)).optional(),
      /** The object's key (with `file`). @default the prefix plus the file's name */
      key: z.string().min(1).optional(),
      /** A prefix for the keys: `<prefix>/<path relative to the directory>`. */
      prefix: z.string().optional(),
      /** Create the bucket when it does not exist. @default false */
      createBucket: z.boolean().default(false),
      /** @default from the file's extension (application/octet-stream when unknown) */
      contentType: z.string().min(1).optional(),
      cacheControl: z.string().min(1).optional(),
      contentDisposition: z.string().min(1).optional(),
      contentEncoding: z.string().min(1).optional(),
      metadata: stringMap().optional(),
      tags: stringMap().optional(),
      serverSideEncryption: serverSideEncryption().optional(),
      sseKmsKeyId: z.string().min(1).optional(),
      storageClass: z.string().min(1).optional(),
      /** Skip a file whose object already has the same content and headers. @default true */
      skipUnchanged: z.boolean().default(true),
    })
    .superRefine((p, issue) => {
      const sources = [p.file, p.files ?? p.directory].filter((s) => s !== undefined).length;
      if (sources !== 1) issue.addIssue({ code: 'custom', message: 'give one of `file`, `files` or `directory`' });
      if (p.key !== undefined && p.file === undefined) {
        issue.addIssue({ code: 'custom', path: ['key'], message: '`key` names one object: use it with `file`' });
      }
      if (p.key !== undefined && p.prefix !== undefined) {
        issue.addIssue({ code: 'custom', path: ['prefix'], message: 'give `key` or `prefix`, not both' });
      }
    });
export type UploadParams = z.infer<ReturnType<typeof uploadParams>>;

export const downloadParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      /** One object; written to `file`. */
      key: z.string().min(1).optional(),
      versionId: z.string().min(1).optional(),
      /** Where to write `key`, relative to the pipeline file. @default the key's last segment */
      file: z.string().min(1).optional(),
      /** Every object under this prefix; written below `directory`, by the key's rest. */
      prefix: z.string().optional(),
      /** @default the pipeline file's directory */
      directory: z.string().min(1).optional(),
      /** Skip a file that already holds the object's content (by ETag). @default true */
      skipUnchanged: z.boolean().default(true),
    })
    .superRefine((p, issue) => {
      if ((p.key === undefined) === (p.prefix === undefined)) {
        issue.addIssue({ code: 'custom', message: 'give one of `key` or `prefix`' });
      }
      if (p.prefix !== undefined && (p.file !== undefined || p.versionId !== undefined)) {
        issue.addIssue({
          code: 'custom',
          message: '`file` and `versionId` go with `key`; use `directory` with `prefix`',
        });
      }
      if (p.key !== undefined && p.directory !== undefined) {
        issue.addIssue({ code: 'custom', path: ['directory'], message: 'use `file` with `key`' });
      }
    });

export const copyParams = () =>
  z
    .strictObject({
      sourceBucket: bucketParam(),
      sourceKey: z.string().min(1),
      sourceVersionId: z.string().min(1).optional(),
      /** @default the source bucket */
      bucket: bucketParam().optional(),
      /** @default the source key */
      key: z.string().min(1).optional(),
      /** COPY keeps the source's metadata and headers; REPLACE sets the ones given here. @default COPY */
      metadataDirective: z.enum(['COPY', 'REPLACE']).default('COPY'),
      metadata: stringMap().optional(),
      contentType: z.string().min(1).optional(),
      cacheControl: z.string().min(1).optional(),
      /** Tags for the copy (replacing the source's). */
      tags: stringMap().optional(),
      serverSideEncryption: serverSideEncryption().optional(),
      sseKmsKeyId: z.string().min(1).optional(),
      storageClass: z.string().min(1).optional(),
    })
    .superRefine((p, issue) => {
      const replacing = p.metadata !== undefined || p.contentType !== undefined || p.cacheControl !== undefined;
      if (replacing && p.metadataDirective !== 'REPLACE') {
        issue.addIssue({
          code: 'custom',
          path: ['metadataDirective'],
          message: 'metadata, contentType and cacheControl apply with metadataDirective: REPLACE',
        });
      }
    });

export const deleteParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      key: z.string().min(1).optional(),
      keys: z.array(z.string().min(1)).min(1).optional(),
      /** Every object whose key starts with this (not empty: that would be the whole bucket). */
      prefix: z.string().min(1).optional(),
      /** A version of `key` (in a versioned bucket). */
      versionId: z.string().min(1).optional(),
      /** Succeed, with a skip, when nothing is there to delete. @default false */
      doNotFailIfNotExists: z.boolean().default(false),
    })
    .superRefine((p, issue) => {
      if ([p.key, p.keys, p.prefix].filter((v) => v !== undefined).length !== 1) {
        issue.addIssue({ code: 'custom', message: 'give one of `key`, `keys` or `prefix`' });
      }
      if (p.versionId !== undefined && p.key === undefined) {
        issue.addIssue({ code: 'custom', path: ['versionId'], message: '`versionId` goes with `key`' });
      }
    });
export type DeleteParams = z.infer<ReturnType<typeof deleteParams>>;

/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRY_SECONDS = 604_800;

export const presignParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
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

export type DownloadParams = z.infer<ReturnType<typeof downloadParams>>;
export type CopyParams = z.infer<ReturnType<typeof copyParams>>;
export type PresignParams = z.infer<ReturnType<typeof presignParams>>;
