// The orders function: invoked directly it greets (with the layer's module) and says which
// version answered; invoked by the queue's event source mapping it stores each message in the
// table. The AWS SDK v3 comes with the nodejs20.x runtime.
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const { greet } = require('greeting');

const dynamodb = new DynamoDBClient({});
// What a code change changes: the pipeline's second run deploys a new message.
const MESSAGE = 'first release';

exports.handler = async (event) => {
  if (Array.isArray(event.Records)) {
    for (const record of event.Records) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: process.env.TABLE,
          Item: {
            id: { S: record.messageId },
            body: { S: record.body },
            version: { S: process.env.AWS_LAMBDA_FUNCTION_VERSION },
          },
        }),
      );
      console.log(`stored ${record.messageId}: ${record.body}`);
    }
    return { stored: event.Records.length };
  }
  return {
    greeting: greet(event.name ?? 'SAM'),
    message: MESSAGE,
    version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  };
};
