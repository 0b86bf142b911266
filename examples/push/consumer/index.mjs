// The consumer: the function S3 and SNS push to (the push model). Each source invokes it
// asynchronously with its own event; it logs one line per record, which is what the producer (and
// the example's test) look for in its CloudWatch Logs.
export const handler = async (event) => {
  for (const record of event.Records ?? []) {
    if (record.eventSource === 'aws:s3') {
      // S3 URL-encodes the key (a space is '+'), as on AWS.
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      console.log(`s3 ${record.eventName} ${record.s3.bucket.name}/${key} (${record.s3.object.size} bytes)`);
    } else if (record.EventSource === 'aws:sns') {
      console.log(`sns ${record.Sns.Subject ?? '(no subject)'}: ${record.Sns.Message}`);
    }
  }
  return { processed: event.Records?.length ?? 0 };
};
