/**
 * The `s3-object` task: upload, download, copy, delete and presign objects. Each action's
 * implementation, with the S3 client, loads when a step runs or plans (see lazyAction).
 */
import { lazyAction, type TaskDefinition } from '../task.js';
import { copyParams, deleteParams, downloadParams, presignParams, uploadParams } from './params.js';

export const s3ObjectTask: TaskDefinition = {
  name: 's3-object',
  description: 'Amazon S3 objects: upload (deployment packages and more), download, copy, delete, presign.',
  actions: {
    upload: lazyAction({
      description:
        'Upload a file, files matching globs, or a directory; skip objects already there with the same content.',
      params: uploadParams,
      outputs: ['bucket', 'key', 'keys', 'versionId', 'etag', 'uploaded', 'skipped'],
      plannable: true,
      load: async () => (await import('./upload.js')).upload,
    }),
    download: lazyAction({
      description: 'Download an object to a file, or every object under a prefix to a directory.',
      params: downloadParams,
      outputs: ['bucket', 'key', 'file', 'files', 'etag', 'versionId', 'size', 'downloaded'],
      plannable: false,
      load: async () => (await import('./transfer.js')).download,
    }),
    copy: lazyAction({
      description: 'Copy an object to another key or bucket.',
      params: copyParams,
      outputs: ['bucket', 'key', 'versionId', 'etag', 'sourceVersionId'],
      plannable: false,
      load: async () => (await import('./transfer.js')).copy,
    }),
    delete: lazyAction({
      description: 'Delete an object, a list of objects, or every object under a prefix.',
      params: deleteParams,
      outputs: ['bucket', 'keys', 'count'],
      plannable: true,
      load: async () => (await import('./delete.js')).remove,
    }),
    presign: lazyAction({
      description: 'Create a presigned URL to GET or PUT an object (the URL output is secret).',
      params: presignParams,
      outputs: ['url', 'expires', 'bucket', 'key'],
      plannable: false,
      load: async () => (await import('./presign.js')).presign,
    }),
  },
};
