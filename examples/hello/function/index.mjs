// The hello function: greets, and lists the bucket its code was uploaded to through the AWS SDK
// that the Node.js runtime provides (on AWS and in the lambda-tasks local cloud alike). In the
// local cloud the SDK's calls go to the local cloud itself: the runtime sets AWS_ENDPOINT_URL and
// test credentials, so this really runs and really talks to S3.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

// A custom endpoint (the local cloud on 127.0.0.1) has no bucket subdomains: use path-style URLs.
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });

export const handler = async (event = {}) => {
  const bucket = process.env.BUCKET;
  const listed = bucket ? await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 10 })) : undefined;
  const result = {
    message: `Hello, ${event.name ?? 'world'}!`,
    bucket,
    objects: (listed?.Contents ?? []).map((o) => o.Key),
    node: process.version,
    region: process.env.AWS_REGION,
  };
  // Logged too, so an invoke with logType: Tail shows it in the pipeline's output.
  console.log('result', JSON.stringify(result));
  return result;
};
