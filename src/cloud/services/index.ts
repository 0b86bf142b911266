/** The services the local cloud serves, their tables, and the blobs they reference. */
import type { CloudContext } from '../context.js';
import { credentialMigrations } from '../credentials.js';
import type { ServiceDefinition } from '../service.js';
import type { Migration } from '../store/database.js';
import { createS3, s3Migrations } from './s3/index.js';
import { createSts } from './sts/index.js';

export const migrations: Migration[] = [...credentialMigrations, ...s3Migrations];

export interface ServiceSet {
  definitions: Record<string, ServiceDefinition>;
  /** Every blob id some service still references (for garbage collection at start). */
  referencedBlobs(): Set<string>;
}

export function createServices(context: CloudContext): ServiceSet {
  const s3 = createS3(context);
  return {
    definitions: {
      s3: s3.definition,
      sts: createSts(context),
    },
    referencedBlobs: () => s3.service.state.referencedBlobs(),
  };
}
