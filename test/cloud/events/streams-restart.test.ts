/**
 * A stream mapping across a restart of the cloud on the same data dir: the checkpoint stored after
 * each successful batch lets the next server resume after it, without replaying what the function
 * already processed and without losing what was written while the server was down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, KinesisClient, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloud } from '../../../src/cloud/cloud.js';
import { randomName, TEST_CREDENTIALS, waitFor } from '../../helpers/cloud.js';
import { dataOf, enabledMapping, recordsReceived, sinkFunction, useCollector } from './streams-support.js';

const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-streams-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const collector = useCollector();

function clients(cloud: RunningCloud) {
  const settings = { endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return { lambda: new LambdaClient(settings), kinesis: new KinesisClient(settings) };
}

describe('stream mappings across a restart', () => {
  it('resume after the last successful batch without replaying it', async () => {
    const dataDir = join(work, 'restart');
    const options = {
      port: 0,
      dataDir,
      log: () => {},
      lambda: { transitionMs: 20 },
      kinesis: { transitionMs: 20 },
    };
    const sink = collector.sink();
    const StreamName = randomName('stream');
    const put = (kinesis: KinesisClient, data: string) =>
      kinesis.send(new PutRecordCommand({ StreamName, Data: Buffer.from(data), PartitionKey: 'k' }));

    const first = await startCloud(options);
    const one = clients(first);
    let uuid: string;
    try {
      const fn = await sinkFunction(one.lambda, sink);
      await one.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
      await waitUntilStreamExists(
        { client: one.kinesis, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 },
        { StreamName },
      );
      uuid = await enabledMapping(one.lambda, {
        FunctionName: fn,
        EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${StreamName}`,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 2,
      });
      for (const data of ['a', 'b', 'c']) await put(one.kinesis, data);
      await recordsReceived(sink, 3);
      await waitFor('OK', async () => {
        const m = await one.lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
        return m.LastProcessingResult === 'OK' ? true : undefined;
      });
    } finally {
      one.lambda.destroy();
      one.kinesis.destroy();
      await first.close();
    }

    const second = await startCloud(options);
    const two = clients(second);
    try {
      await put(two.kinesis, 'd');
      await recordsReceived(sink, 4);
      await put(two.kinesis, 'e');
      const records = await recordsReceived(sink, 5);
      expect(records.map(dataOf)).toEqual(['a', 'b', 'c', 'd', 'e']);
    } finally {
      two.lambda.destroy();
      two.kinesis.destroy();
      await second.close();
    }
  });
});
