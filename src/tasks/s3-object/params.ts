/**
 * The `with:` parameters of the s3-object actions: all that validating a pipeline needs, without
 * the S3 client the actions themselves load. Each schema is a builder, called on first use (see
 * ParamsSchema).
 */
import * as z from '../../pipeline/zod.js';

export const bucketParam = () => z.string().check(z.minLength(3), z.maxLength(63));
const stringMap = () => z.record(z.string(), z.string());
const serverSideEncryption = () => z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']);

export const uploadParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      /** One file (relative to the pipeline file). */
      file: z.optional(z.string().check(z.minLength(1))),
      /** Globs of files, relative to `directory` (or the pipeline file's directory). */
      files: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
      /** A directory to upload; with `files`, the directory the globs are relative to. */
      directory: z.optional(z.string().check(z.minLength(1))),
      /** Globs to leave out (with `files` or `directory`). */
      exclude: z.optional(z.array(z.string().check(z.minLength(1)))),
      /** The object's key (with `file`). @default the prefix plus the file's name */
      key: z.optional(z.string().check(z.minLength(1))),
      /** A prefix for the keys: `<prefix>/<path relative to the directory>`. */
      prefix: z.optional(z.string()),
      /** Create the bucket when it does not exist. @default false */
      createBucket: z._default(z.boolean(), false),
      /** @default from the file's extension (application/octet-stream when unknown) */
      contentType: z.optional(z.string().check(z.minLength(1))),
      cacheControl: z.optional(z.string().check(z.minLength(1))),
      contentDisposition: z.optional(z.string().check(z.minLength(1))),
      contentEncoding: z.optional(z.string().check(z.minLength(1))),
      metadata: z.optional(stringMap()),
      tags: z.optional(stringMap()),
      serverSideEncryption: z.optional(serverSideEncryption()),
      sseKmsKeyId: z.optional(z.string().check(z.minLength(1))),
      storageClass: z.optional(z.string().check(z.minLength(1))),
      /** Skip a file whose object already has the same content and headers. @default true */
      skipUnchanged: z._default(z.boolean(), true),
    })
    .check(
      z.superRefine((p, issue) => {
        const sources = [p.file, p.files ?? p.directory].filter((s) => s !== undefined).length;
        if (sources !== 1) issue.addIssue({ code: 'custom', message: 'give one of `file`, `files` or `directory`' });
        if (p.key !== undefined && p.file === undefined) {
          issue.addIssue({ code: 'custom', path: ['key'], message: '`key` names one object: use it with `file`' });
        }
        if (p.key !== undefined && p.prefix !== undefined) {
          issue.addIssue({ code: 'custom', path: ['prefix'], message: 'give `key` or `prefix`, not both' });
        }
      }),
    );
export type UploadParams = z.infer<ReturnType<typeof uploadParams>>;

export const downloadParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      /** One object; written to `file`. */
      key: z.optional(z.string().check(z.minLength(1))),
      versionId: z.optional(z.string().check(z.minLength(1))),
      /** Where to write `key`, relative to the pipeline file. @default the key's last segment */
      file: z.optional(z.string().check(z.minLength(1))),
      /** Every object under this prefix; written below `directory`, by the key's rest. */
      prefix: z.optional(z.string()),
      /** @default the pipeline file's directory */
      directory: z.optional(z.string().check(z.minLength(1))),
      /** Skip a file that already holds the object's content (by ETag). @default true */
      skipUnchanged: z._default(z.boolean(), true),
    })
    .check(
      z.superRefine((p, issue) => {
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
      }),
    );

export const copyParams = () =>
  z
    .strictObject({
      sourceBucket: bucketParam(),
      sourceKey: z.string().check(z.minLength(1)),
      sourceVersionId: z.optional(z.string().check(z.minLength(1))),
      /** @default the source bucket */
      bucket: z.optional(bucketParam()),
      /** @default the source key */
      key: z.optional(z.string().check(z.minLength(1))),
      /** COPY keeps the source's metadata and headers; REPLACE sets the ones given here. @default COPY */
      metadataDirective: z._default(z.enum(['COPY', 'REPLACE']), 'COPY'),
      metadata: z.optional(stringMap()),
      contentType: z.optional(z.string().check(z.minLength(1))),
      cacheControl: z.optional(z.string().check(z.minLength(1))),
      /** Tags for the copy (replacing the source's). */
      tags: z.optional(stringMap()),
      serverSideEncryption: z.optional(serverSideEncryption()),
      sseKmsKeyId: z.optional(z.string().check(z.minLength(1))),
      storageClass: z.optional(z.string().check(z.minLength(1))),
    })
    .check(
      z.superRefine((p, issue) => {
        const replacing = p.metadata !== undefined || p.contentType !== undefined || p.cacheControl !== undefined;
        if (replacing && p.metadataDirective !== 'REPLACE') {
          issue.addIssue({
            code: 'custom',
            path: ['metadataDirective'],
            message: 'metadata, contentType and cacheControl apply with metadataDirective: REPLACE',
          });
        }
      }),
    );

export const deleteParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      key: z.optional(z.string().check(z.minLength(1))),
      keys: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
      /** Every object whose key starts with this (not empty: that would be the whole bucket). */
      prefix: z.optional(z.string().check(z.minLength(1))),
      /** A version of `key` (in a versioned bucket). */
      versionId: z.optional(z.string().check(z.minLength(1))),
      /** Succeed, with a skip, when nothing is there to delete. @default false */
      doNotFailIfNotExists: z._default(z.boolean(), false),
    })
    .check(
      z.superRefine((p, issue) => {
        if ([p.key, p.keys, p.prefix].filter((v) => v !== undefined).length !== 1) {
          issue.addIssue({ code: 'custom', message: 'give one of `key`, `keys` or `prefix`' });
        }
        if (p.versionId !== undefined && p.key === undefined) {
          issue.addIssue({ code: 'custom', path: ['versionId'], message: '`versionId` goes with `key`' });
        }
      }),
    );
export type DeleteParams = z.infer<ReturnType<typeof deleteParams>>;

/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRY_SECONDS = 604_800;

export const presignParams = () =>
  z
    .strictObject({
      bucket: bucketParam(),
      key: z.string().check(z.minLength(1)),
      /** GET to read the object, PUT to write it. @default GET */
      method: z._default(z.enum(['GET', 'PUT']), 'GET'),
      /** Seconds the URL stays valid (at most 7 days). @default 3600 */
      expiresIn: z._default(z.number().check(z.int(), z.gte(1), z.lte(MAX_EXPIRY_SECONDS)), 3600),
      /** GET: a version of the object. */
      versionId: z.optional(z.string().check(z.minLength(1))),
      /** PUT: the Content-Type the uploader must send. */
      contentType: z.optional(z.string().check(z.minLength(1))),
    })
    .check(
      z.superRefine((p, issue) => {
        if (p.method === 'GET' && p.contentType !== undefined) {
          issue.addIssue({ code: 'custom', path: ['contentType'], message: '`contentType` goes with method: PUT' });
        }
        if (p.method === 'PUT' && p.versionId !== undefined) {
          issue.addIssue({ code: 'custom', path: ['versionId'], message: '`versionId` goes with method: GET' });
        }
      }),
    );

export type DownloadParams = z.infer<ReturnType<typeof downloadParams>>;
export type CopyParams = z.infer<ReturnType<typeof copyParams>>;
export type PresignParams = z.infer<ReturnType<typeof presignParams>>;
