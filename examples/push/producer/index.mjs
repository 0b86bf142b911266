// The producer: stands in for the application that publishes to the topic (the deploy tool has no
// SNS task). It publishes one message, then waits (up to 20 s) until the consumer's log shows it and
// the S3 event of the uploaded object, so the pipeline proves both pushes end to end. It uses the
// AWS SDK that the Node.js runtime provides (on AWS and in the lambda-tasks local cloud alike).
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

const sns = new SNSClient({});
const logs = new CloudWatchLogsClient({});

/** How many consumer log lines contain `text` (none until its log group exists: it has not run yet). */
async function consumerLines(text) {
  try {
    const found = await logs.send(
      new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${process.env.CONSUMER}`, filterPattern: `"${text}"` }),
    );
    return (found.events ?? []).length;
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') return 0;
    throw error;
  }
}

export const handler = async (event = {}) => {
  const run = event.run ?? new Date().toISOString();
  // The upload step's object: its ObjectCreated event arrived (in this run or, when the upload
  // was skipped as unchanged, in an earlier one).
  const object = `${process.env.BUCKET}/${event.key}`;
  const published = await sns.send(
    new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Subject: 'order', Message: `order ${run}` }),
  );

  const deadline = Date.now() + 20_000;
  let s3 = 0;
  let message = 0;
  while (Date.now() < deadline) {
    [s3, message] = await Promise.all([consumerLines(object), consumerLines(`order ${run}`)]);
    if (s3 > 0 && message > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const delivered = s3 > 0 && message > 0;
  console.log(
    `published ${published.MessageId}; the consumer logged the S3 event of ${object}: ${s3 > 0}, the message: ${message > 0}`,
  );
  return { run, messageId: published.MessageId, object, s3Event: s3 > 0, snsMessage: message > 0, delivered };
};
