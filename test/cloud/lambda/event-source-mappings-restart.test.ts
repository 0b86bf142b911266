/**
 * Event source mappings across a restart (states are timestamps, rows are SQLite), the in-process
 * API the pollers use (read from the same data dir between two runs of the server), and wire
 * compatibility with botocore (the AWS CLI v1 and boto3).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { lambdaMigrations } from '../../../src/cloud/services/lambda/index.js';
import {
  EventSourceMappings,
  type MappingChange,
  MappingState,
} from '../../../src/cloud/services/lambda/mappings/index.js';
import { LambdaState } from '../../../src/cloud/services/lambda/state.js';
import { openDatabase } from '../../../src/cloud/store/database.js';
import { AWS_CLI_ENV, awsCli } from '../../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud, waitFor } from '../../helpers/cloud.js';
import { deployFunction } from './support.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-esm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TRANSITION_MS = 60;

async function newQueue(sqs: SQSClient, name = randomName('q')): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes?.QueueArn ?? '';
}

function settled(lambda: LambdaClient, uuid: string, state: string) {
  return waitFor(`mapping ${uuid} ${state}`, async () => {
    const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    return m.State === state ? m : undefined;
  });
}

describe('restart and the pollers’ API', () => {
  it('mappings, their states, results and checkpoints survive a restart; the pollers see what should poll', async () => {
    const dataDir = join(work, 'restart');
    const options = { port: 0, dataDir, log: () => {}, lambda: { transitionMs: TRANSITION_MS } };
    const clients = (url: string) => {
      const settings = { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
      return { lambda: new LambdaClient(settings), sqs: new SQSClient(settings) };
    };

    // First run: an enabled mapping and a disabled one.
    let cloud = await startCloud(options);
    let c = clients(cloud.url);
    const fn = await deployFunction(c.lambda, { 'index.js': 'exports.handler = async () => ({});' });
    const [q1, q2] = await Promise.all([newQueue(c.sqs), newQueue(c.sqs)]);
    const on = await c.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: q1 }));
    const off = await c.lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: `${fn}:$LATEST`, EventSourceArn: q2, Enabled: false }),
    );
    await settled(c.lambda, on.UUID ?? '', 'Enabled');
    await settled(c.lambda, off.UUID ?? '', 'Disabled');
    c.lambda.destroy();
    c.sqs.destroy();
    await cloud.close();

    // Between runs: the pollers' API on the same database.
    const db = openDatabase(join(dataDir, 'cloud.db'), lambdaMigrations);
    const mappings = new EventSourceMappings(
      new MappingState(db),
      new LambdaState(db),
      { kindOf: () => 'sqs', exists: () => true },
      { now: () => Date.now(), lambda: { transitionMs: TRANSITION_MS } },
    );
    const polling = mappings.polling();
    expect(polling.map((m) => m.uuid)).toEqual([on.UUID]);
    expect(polling[0]).toMatchObject({
      kind: 'sqs',
      eventSourceArn: q1,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`,
      functionName: fn,
      state: 'Enabled',
      settings: { BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [] },
    });
    expect(mappings.recordResult(on.UUID ?? '', 'OK')).toBe(true);
    expect(
      mappings.setCheckpoint(
        on.UUID ?? '',
        'shardId-000000000000',
        '49590338271490256608559692538361571095921575989136588802',
      ),
    ).toBe(true);
    expect(mappings.setWindow(on.UUID ?? '', 'shardId-000000000000', { windowStart: 1000, state: { sum: 3 } })).toBe(
      true,
    );
    expect(mappings.setCheckpoint('00000000-0000-4000-8000-000000000000', 'shard', '1')).toBe(false);

    // Changes made through the API reach onChange listeners.
    const seen: MappingChange[] = [];
    const unsubscribe = mappings.onChange((change) => seen.push(change));
    const scope = { accountId: '000000000000', region: 'us-east-1' };
    mappings.update({ UUID: off.UUID, Enabled: true }, scope);
    expect(seen).toEqual([{ type: 'enabled', uuid: off.UUID }]);
    expect(mappings.polling().map((m) => [m.uuid, m.state])).toEqual([
      [on.UUID, 'Enabled'],
      [off.UUID, 'Enabling'],
    ]);
    unsubscribe();
    db.close();

    // Second run: what was stored is what the API answers.
    cloud = await startCloud(options);
    c = clients(cloud.url);
    try {
      expect(await c.lambda.send(new GetEventSourceMappingCommand({ UUID: on.UUID }))).toMatchObject({
        State: 'Enabled',
        LastProcessingResult: 'OK',
        EventSourceArn: q1,
      });
      await settled(c.lambda, off.UUID ?? '', 'Enabled');
      const disabling = await c.lambda.send(new UpdateEventSourceMappingCommand({ UUID: on.UUID, Enabled: false }));
      expect(disabling.State).toBe('Disabling');
    } finally {
      c.lambda.destroy();
      c.sqs.destroy();
      await cloud.close();
    }
    const reopened = openDatabase(join(dataDir, 'cloud.db'), lambdaMigrations);
    try {
      const state = new MappingState(reopened);
      expect(state.getCheckpoint(on.UUID ?? '', 'shardId-000000000000')).toBe(
        '49590338271490256608559692538361571095921575989136588802',
      );
      expect(state.getWindow(on.UUID ?? '', 'shardId-000000000000')).toEqual({ windowStart: 1000, state: { sum: 3 } });
    } finally {
      reopened.close();
    }
  });
});

describe('botocore', () => {
  const t = useCloud({ lambda: { transitionMs: TRANSITION_MS } });
  const cli = awsCli(() => t.url);

  it('the AWS CLI v1 creates, disables and deletes a mapping', async () => {
    const fn = await deployFunction(t.lambda(), { 'index.js': 'exports.handler = async () => ({});' });
    const queue = await newQueue(t.sqs());
    const created = (await cli.json(
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      fn,
      '--event-source-arn',
      queue,
      '--batch-size',
      '5',
    )) as Record<string, unknown>;
    expect(created).toMatchObject({ State: 'Creating', BatchSize: 5, EventSourceArn: queue });
    const uuid = String(created.UUID);
    await settled(t.lambda(), uuid, 'Enabled');
    const disabled = (await cli.json('lambda', 'update-event-source-mapping', '--uuid', uuid, '--no-enabled')) as {
      State: string;
    };
    expect(disabled.State).toBe('Disabling');
    await settled(t.lambda(), uuid, 'Disabled');
    expect(await cli.json('lambda', 'delete-event-source-mapping', '--uuid', uuid)).toMatchObject({
      State: 'Deleting',
    });
  });

  it('boto3 gets (LastModified as a datetime) and lists a mapping, and reads AWS’s not-found error', async () => {
    const fn = await deployFunction(t.lambda(), { 'index.js': 'exports.handler = async () => ({});' });
    const queue = await newQueue(t.sqs());
    const created = await t
      .lambda()
      .send(new CreateEventSourceMappingCommand({ FunctionName: fn, EventSourceArn: queue, BatchSize: 3 }));
    const script = `
import json, sys, boto3
client = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='us-east-1',
                      aws_access_key_id='test', aws_secret_access_key='test')
m = client.get_event_source_mapping(UUID=sys.argv[2])
try:
    client.get_event_source_mapping(UUID='3f0a8e2e-7c1b-4d5e-9f60-123456789abc')
    missing = None
except client.exceptions.ResourceNotFoundException as e:
    missing = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({'uuid': m['UUID'], 'batch': m['BatchSize'], 'modified': type(m['LastModified']).__name__,
                  'listed': [x['UUID'] for x in client.list_event_source_mappings(EventSourceArn=sys.argv[3])['EventSourceMappings']],
                  'missing': missing}))
`;
    const { stdout } = await run('python3', ['-c', script, t.url, created.UUID ?? '', queue], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      uuid: created.UUID,
      batch: 3,
      modified: 'datetime',
      listed: [created.UUID],
      missing: ['ResourceNotFoundException', 'The resource you requested does not exist.', 404],
    });
  });
});
