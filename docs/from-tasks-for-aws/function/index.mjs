// The guide's one function: it greets a direct invoke, and logs one line per record of any event
// source (Kinesis, DynamoDB Streams, SQS, S3, SNS) so a pipeline's effect shows in its log.

/** One log line for a record, by the source that delivered it. */
function describe(record) {
  if (record.kinesis) {
    const data = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
    return `kinesis ${record.kinesis.partitionKey}: ${data}`;
  }
  if (record.dynamodb) return `dynamodb ${record.eventName} ${JSON.stringify(record.dynamodb.Keys)}`;
  if (record.eventSource === 'aws:sqs') return `sqs ${record.body}`;
  if (record.s3) {
    // S3 URL-encodes the key in its events ('+' for a space), as AWS documents.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    return `s3 ${record.eventName} ${record.s3.bucket.name}/${key}`;
  }
  if (record.Sns) return `sns ${record.Sns.Message}`;
  return `unknown ${JSON.stringify(record)}`;
}

export const handler = async (event) => {
  const records = Array.isArray(event?.Records) ? event.Records : [];
  for (const record of records) console.log(describe(record));
  if (records.length) return { received: records.length };
  return { message: `Hello, ${event?.name ?? 'world'}!`, region: process.env.AWS_REGION };
};
