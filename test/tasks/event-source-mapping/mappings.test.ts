/**
 * The event-source-mapping task against the local cloud: create (idempotent for the same function
 * and source: a second create updates or skips), update, disable, enable, delete, each waiting for
 * the mapping's state to settle, and plan showing what would change. The parts that need no
 * endpoint (parameters, their SDK form, the comparison that decides an update or a skip) are
 * tested directly.
 */
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/pipeline/errors.js';
import { eventSourceMappingTask } from '../../../src/tasks/event-source-mapping/index.js';
import { differences } from '../../../src/tasks/event-source-mapping/mappings.js';
import {
  createParams,
  selectParams,
  toCreateRequest,
  toUpdateMembers,
  updateParams,
} from '../../../src/tasks/event-source-mapping/params.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { zip } from '../../helpers/zip.js';
import { outputValue, plan, run, useTaskContexts } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);

function action(name: string): ActionDefinition<unknown> {
  const found = eventSourceMappingTask.actions[name];
  if (!found) throw new Error(`no action ${name}`);
  return found;
}

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:orders';
const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';

async function rejected(promise: Promise<unknown>): Promise<PipelineError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PipelineError);
  return error as PipelineError;
}

async function consumerAndQueue(): Promise<{ functionName: string; eventSourceArn: string }> {
  const functionName = randomName('consumer');
  await t.lambda().send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/lambda-role',
      Code: { ZipFile: await zip({ 'index.js': 'exports.handler = async () => ({ batchItemFailures: [] });' }) },
    }),
  );
  await waitUntilFunctionActiveV2(
    { client: t.lambda(), maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 },
    { FunctionName: functionName },
  );
  const { QueueUrl } = await t.sqs().send(new CreateQueueCommand({ QueueName: randomName('orders') }));
  const { Attributes } = await t.sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { functionName, eventSourceArn: Attributes?.QueueArn ?? '' };
}

describe('event-source-mapping against the local cloud', () => {
  it('create waits for Enabled; a second create of the same function and source updates or skips; plan shows the diff', async () => {
    const pair = await consumerAndQueue();
    const tc = context();
    const created = await run(action('create'), { ...pair, batchSize: 5 }, tc);
    expect(created.changed).toBe(true);
    expect(created.outputs).toMatchObject({ state: 'Enabled', eventSourceArn: pair.eventSourceArn });
    const uuid = String(outputValue(created.outputs.uuid));
    expect(tc.calls).toContain('CreateEventSourceMappingCommand');
    expect(tc.messages('change')).toEqual([`created event source mapping ${uuid} (Creating)`]);

    const again = context();
    const skipped = await run(action('create'), { ...pair, batchSize: 5 }, again);
    expect(skipped).toMatchObject({ changed: false, outputs: { uuid, state: 'Enabled' } });
    expect(again.messages('skip')).toEqual([`event source mapping ${uuid} already has these settings (Enabled)`]);
    expect(again.calls).not.toContain('CreateEventSourceMappingCommand');
    expect(again.calls).not.toContain('UpdateEventSourceMappingCommand');

    expect(await plan(action('create'), { ...pair, batchSize: 8 }, context())).toEqual([
      { action: 'update', resource: `event source mapping ${uuid}`, details: ['BatchSize: 5 -> 8'] },
    ]);
    const updated = await run(action('create'), { ...pair, batchSize: 8 }, context());
    expect(updated).toMatchObject({ changed: true, outputs: { uuid, state: 'Enabled' } });
    const got = await t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(got).toMatchObject({ BatchSize: 8, State: 'Enabled' });

    // updateIfExists: false refuses instead.
    const refused = await rejected(run(action('create'), { ...pair, updateIfExists: false }, context()));
    expect(refused.message).toContain(
      `event source mapping ${uuid} of ${pair.functionName} on ${pair.eventSourceArn} exists already`,
    );
  });

  it('disable, enable, update by uuid, delete (then a skip), each waiting for the state to settle', async () => {
    const pair = await consumerAndQueue();
    const created = await run(action('create'), pair, context());
    const uuid = String(outputValue(created.outputs.uuid));

    expect(await plan(action('disable'), pair, context())).toEqual([
      { action: 'update', resource: `event source mapping ${uuid}`, details: ['Enabled: true -> false'] },
    ]);
    expect((await run(action('disable'), pair, context())).outputs.state).toBe('Disabled');
    const still = context();
    expect((await run(action('disable'), { uuid }, still)).changed).toBe(false);
    expect(still.messages('skip')).toEqual([`event source mapping ${uuid} already has these settings (Disabled)`]);
    expect((await run(action('enable'), { uuid }, context())).outputs.state).toBe('Enabled');

    const updated = await run(action('update'), { uuid, maximumBatchingWindowInSeconds: 2, batchSize: 50 }, context());
    expect(updated).toMatchObject({ changed: true, outputs: { state: 'Enabled' } });
    // A create with the parameters the mapping has now is a skip.
    expect(
      (await run(action('create'), { ...pair, maximumBatchingWindowInSeconds: 2, batchSize: 50 }, context())).changed,
    ).toBe(false);

    const deleted = await run(action('delete'), pair, context());
    expect(deleted).toMatchObject({ changed: true, outputs: { uuid, state: 'Deleted' } });
    const gone = context();
    expect((await run(action('delete'), { uuid }, gone)).changed).toBe(false);
    expect(gone.messages('skip')).toEqual([`no event source mapping ${uuid}: nothing to delete`]);
    expect(await plan(action('delete'), pair, context())).toEqual([
      {
        action: 'none',
        resource: `event source mapping of ${pair.functionName} on ${pair.eventSourceArn}`,
        details: ['does not exist'],
      },
    ]);
  });

  it('deletes a mapping that is still being created (waiting for it to settle first)', async () => {
    const pair = await consumerAndQueue();
    const tc = context();
    const uuid = (
      await t.lambda().send(
        new CreateEventSourceMappingCommand({
          FunctionName: pair.functionName,
          EventSourceArn: pair.eventSourceArn,
        }),
      )
    ).UUID;
    expect((await run(action('delete'), { uuid }, tc)).changed).toBe(true);
  });

  it('AWS errors reach the pipeline with the code and message', async () => {
    const pair = await consumerAndQueue();
    const error = await rejected(run(action('create'), { ...pair, batchSize: 11 }, context()));
    expect(error.code).toBe('AwsError');
    expect(error.message).toContain(
      'InvalidParameterValueException: Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
    const missing = await rejected(run(action('enable'), { uuid: '3f0a8e2e-7c1b-4d5e-9f60-123456789abc' }, context()));
    expect(missing.message).toBe('No event source mapping 3f0a8e2e-7c1b-4d5e-9f60-123456789abc.');
  });
});

describe('event-source-mapping parameters', () => {
  it('takes CreateEventSourceMapping’s members in lowerCamelCase and sends their SDK form', () => {
    const params = createParams().parse({
      functionName: 'consumer:live',
      eventSourceArn: STREAM,
      enabled: false,
      batchSize: 100,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: '2026-01-02T03:04:05Z',
      maximumBatchingWindowInSeconds: 5,
      parallelizationFactor: 2,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: -1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      filterCriteria: { filters: [{ pattern: { data: { kind: ['click'] } } }, { pattern: '{"x":[1]}' }] },
      destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
      kmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/k',
      tags: { team: 'core', 'cost-center': '42' },
      documentDbEventSourceConfig: { databaseName: 'db', fullDocument: 'UpdateLookup' },
      sourceAccessConfigurations: [
        { type: 'BASIC_AUTH', uri: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s' },
      ],
      scalingConfig: { maximumConcurrency: 5 },
      waitTimeout: 60,
      updateIfExists: true,
    });
    expect(toCreateRequest(params)).toEqual({
      FunctionName: 'consumer:live',
      EventSourceArn: STREAM,
      Enabled: false,
      BatchSize: 100,
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: new Date('2026-01-02T03:04:05Z'),
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: -1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: '{"data":{"kind":["click"]}}' }, { Pattern: '{"x":[1]}' }] },
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dlq' } },
      KMSKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/k',
      Tags: { team: 'core', 'cost-center': '42' },
      DocumentDBEventSourceConfig: { DatabaseName: 'db', FullDocument: 'UpdateLookup' },
      SourceAccessConfigurations: [
        { Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:s' },
      ],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    // The update form leaves out what UpdateEventSourceMapping does not take, and the task's own options.
    expect(toUpdateMembers(updateParams().parse({ uuid: 'u', batchSize: 10, enabled: true, waitTimeout: 5 }))).toEqual({
      BatchSize: 10,
      Enabled: true,
    });
  });

  it('checks the rules the API would enforce later, all at once', () => {
    const messages = (result: { error?: { issues: { message: string }[] } }) =>
      result.error?.issues.map((i) => i.message) ?? [];
    expect(messages(createParams().safeParse({ functionName: 'f', eventSourceArn: STREAM }))).toEqual([
      'a stream source (Kinesis, DynamoDB streams, Kafka) needs startingPosition: TRIM_HORIZON, LATEST or AT_TIMESTAMP',
    ]);
    expect(
      messages(
        createParams().safeParse({ functionName: 'f', eventSourceArn: STREAM, startingPosition: 'AT_TIMESTAMP' }),
      ),
    ).toEqual(['startingPositionTimestamp goes with startingPosition: AT_TIMESTAMP (and only with it)']);
    expect(createParams().safeParse({ functionName: 'f', eventSourceArn: QUEUE }).success).toBe(true);
    expect(messages(selectParams().safeParse({ functionName: 'f' }))).toEqual([
      'give uuid, or functionName and eventSourceArn to find the mapping',
    ]);
    const unknown = updateParams().safeParse({ uuid: 'u', batchsize: 10 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('batchsize');
    expect(createParams().safeParse({ functionName: 'f', eventSourceArn: QUEUE, batchSize: 0 }).success).toBe(false);
  });

  it('decides update or skip by comparing with the mapping as Lambda describes it', () => {
    const current = {
      UUID: 'u',
      State: 'Enabled',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer',
      BatchSize: 10,
      FilterCriteria: { Filters: [{ Pattern: '{ "b": [2], "a": [1] }' }] },
    };
    // Equal JSON patterns written differently, the same function by name, Enabled vs State: no differences.
    expect(
      differences(current, {
        FunctionName: 'consumer',
        Enabled: true,
        BatchSize: 10,
        FilterCriteria: { Filters: [{ Pattern: '{"a":[1],"b":[2]}' }] },
      }),
    ).toEqual([]);
    expect(differences(current, { Enabled: false, BatchSize: 5, MaximumRetryAttempts: 2 })).toEqual([
      'Enabled: true -> false',
      'BatchSize: 10 -> 5',
      'MaximumRetryAttempts: (none) -> 2',
    ]);
    expect(differences({ ...current, State: 'Disabling' }, { Enabled: false })).toEqual([]);
  });
});
