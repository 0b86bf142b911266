/** Amazon S3 (restXml, 2006-03-01): registration of the handlers with the server. */
import type { CloudContext } from '../../context.js';
import type { ServiceDefinition } from '../../service.js';
import { bucketHandlers } from './buckets.js';
import { listingHandlers } from './listing.js';
import { multipartHandlers } from './multipart.js';
import { objectHandlers } from './objects.js';
import { S3Service } from './s3-service.js';
import { S3State } from './state.js';

export { s3Migrations } from './state.js';

/** Root elements of S3 responses whose output shape has no payload member, as S3 names them. */
const XML_ROOT_NAMES: Record<string, string> = {
  ListBucketsOutput: 'ListAllMyBucketsResult',
  ListObjectsOutput: 'ListBucketResult',
  ListObjectsV2Output: 'ListBucketResult',
  ListObjectVersionsOutput: 'ListVersionsResult',
  GetBucketLocationOutput: 'LocationConstraint',
  GetBucketVersioningOutput: 'VersioningConfiguration',
  GetBucketTaggingOutput: 'Tagging',
  GetObjectTaggingOutput: 'Tagging',
  CreateMultipartUploadOutput: 'InitiateMultipartUploadResult',
  CompleteMultipartUploadOutput: 'CompleteMultipartUploadResult',
  ListMultipartUploadsOutput: 'ListMultipartUploadsResult',
  ListPartsOutput: 'ListPartsResult',
  DeleteObjectsOutput: 'DeleteResult',
};

export function createS3(context: CloudContext): { definition: ServiceDefinition; service: S3Service } {
  const service = new S3Service(new S3State(context.db), context.blobs);
  return {
    service,
    definition: {
      model: 's3',
      signingNames: ['s3'],
      xmlRootNames: XML_ROOT_NAMES,
      handlers: {
        ...bucketHandlers(service),
        ...objectHandlers(service),
        ...listingHandlers(service),
        ...multipartHandlers(service),
      },
    },
  };
}
