/**
 * The `package` task: zips a directory into a reproducible deployment package (see zip.ts) and
 * reports its SHA-256 in Lambda's `CodeSha256` form, so a later `lambda-function: deploy` can tell
 * that nothing changed without asking AWS to compare. The zipping (zip-action.ts) loads when a
 * step runs or plans.
 */
import { lazyAction, type TaskDefinition } from '../task.js';
import { zipParams } from './params.js';

export const packageTask: TaskDefinition = {
  name: 'package',
  description: 'Build deployment packages.',
  actions: {
    zip: lazyAction({
      description: 'Zip a directory into a reproducible deployment package (same input, same bytes and SHA-256).',
      params: zipParams,
      /** `sha256` is base64 like Lambda's CodeSha256; `sha256Hex` suits S3 keys and file names. */
      outputs: ['file', 'sha256', 'sha256Hex', 'size'],
      plannable: true,
      load: async () => (await import('./zip-action.js')).zip,
    }),
  },
  defaultAction: 'zip',
};
