/** The `s3-object` task: upload, download, copy, delete and presign objects. */
import type { TaskDefinition } from '../task.js';
import { remove } from './delete.js';
import { presign } from './presign.js';
import { copy, download } from './transfer.js';
import { upload } from './upload.js';

export const s3ObjectTask: TaskDefinition = {
  name: 's3-object',
  description: 'Amazon S3 objects: upload (deployment packages and more), download, copy, delete, presign.',
  actions: { upload, download, copy, delete: remove, presign },
};
