// The consumer: the function the event source mappings invoke (the pull model). Lambda polls the
// Kinesis stream and the table's stream and hands this function batches of records; it logs one
// line per record, which is what the example's last step looks for in its CloudWatch Logs.
export const handler = async (event) => {
  for (const record of event.Records ?? []) {
    if (record.kinesis) {
      const data = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
      console.log(`kinesis ${record.kinesis.partitionKey} #${record.kinesis.sequenceNumber}: ${data}`);
    } else if (record.dynamodb) {
      const image = record.dynamodb.NewImage ?? record.dynamodb.OldImage ?? {};
      console.log(`dynamodb ${record.eventName} ${JSON.stringify(record.dynamodb.Keys)}: ${JSON.stringify(image)}`);
    }
  }
  return { processed: event.Records?.length ?? 0 };
};
