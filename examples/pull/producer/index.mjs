// The producer: stands in for the application that writes to the event sources. It puts records on
// the Kinesis stream and items in the table, then waits (up to 20 s) until the consumer's log shows
// every one of them, so the pipeline proves the whole pull model end to end. It uses the AWS SDK
// that the Node.js runtime provides (on AWS and in the lambda-tasks local cloud alike).
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';

const kinesis = new KinesisClient({});
const dynamodb = new DynamoDBClient({});
const logs = new CloudWatchLogsClient({});

/** The consumer's log lines that mention this run (none until its log group exists: it has not run yet). */
async function consumerLines(run) {
  try {
    const found = await logs.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${process.env.CONSUMER}`, filterPattern: `"${run}"` }),
    );
    return (found.events ?? []).length;
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') return 0;
    throw error;
  }
}

export const handler = async (event = {}) => {
  const count = event.count ?? 3;
  const run = event.run ?? new Date().toISOString();
  const orders = Array.from({ length: count }, (_, i) => ({ orderId: `${run}-${i + 1}`, total: 10 * (i + 1) }));

  await kinesis.send(
    new PutRecordsCommand({
      StreamName: process.env.STREAM_NAME,
      Records: orders.map((order) => ({ PartitionKey: order.orderId, Data: Buffer.from(JSON.stringify(order)) })),
    }),
  );
  for (const order of orders) {
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: { orderId: { S: order.orderId }, total: { N: String(order.total) } },
      }),
    );
  }

  // Each order shows up twice in the consumer's log: once from the stream, once from the table.
  const expected = orders.length * 2;
  const deadline = Date.now() + 20_000;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await consumerLines(run);
    if (seen >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`wrote ${orders.length} records and ${orders.length} items; the consumer logged ${seen} of ${expected}`);
  return { run, written: orders.length, consumerLogLines: seen, delivered: seen >= expected };
};
