/**
 * The event-source-mapping task against the local cloud. The local cloud's Lambda service does not
 * have event source mappings yet (they come with Kinesis, DynamoDB and SQS): every action must stop
 * at its first Lambda call with a clear PipelineError naming NotImplemented, the call and what to
 * do. The parts that need no endpoint (parameters, their SDK form, the comparison that decides an
 * update or a skip) are tested directly. What waits on mapping states (Creating -> Enabled,
 * Disabling -> Disabled) cannot be exercised until the local cloud implements the operations.
 */
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
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
import { plan, run, useTaskContexts } from '../support.js';

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

/** The PipelineError of a call the local cloud does not implement yet. */
function expectNotImplemented(error: PipelineError, operation: string, context: string): void {
  expect(error.code).toBe('AwsError');
  expect(error.message).toBe(
    `NotImplemented: The operation ${operation} of Lambda is not implemented by lambda-tasks yet. (${context})`,
  );
  expect(error.hint).toMatch(/does not implement event source mappings yet.*--connection aws/);
}

describe('event-source-mapping against the local cloud (no event source mappings there yet)', () => {
  it('every action stops at its first Lambda call with NotImplemented, naming the call', async () => {
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
    const pair = { functionName, eventSourceArn: QUEUE };

    // create looks for the mapping of the function on the source first (to update it instead).
    const tc = context();
    const created = await rejected(run(action('create'), { ...pair, batchSize: 10 }, tc));
    expectNotImplemented(created, 'ListEventSourceMappings', `ListEventSourceMappings of ${functionName} on ${QUEUE}`);
    expect(tc.calls).toEqual(['ListEventSourceMappingsCommand']);
    expect(tc.messages('change')).toEqual([]);

    // Without a source ARN (self-managed Kafka) there is nothing to look up: CreateEventSourceMapping itself.
    const kafka = await rejected(
      run(
        action('create'),
        {
          functionName,
          topics: ['orders'],
          startingPosition: 'LATEST',
          selfManagedEventSource: { endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['broker:9092'] } },
        },
        context(),
      ),
    );
    expectNotImplemented(kafka, 'CreateEventSourceMapping', `CreateEventSourceMapping of ${functionName}`);

    const uuid = '14e0db71-5d35-4eb5-b481-8945cf9d10c2';
    for (const name of ['update', 'enable', 'disable', 'delete']) {
      const byUuid = await rejected(
        run(action(name), { uuid, ...(name === 'update' ? { batchSize: 5 } : {}) }, context()),
      );
      expectNotImplemented(byUuid, 'GetEventSourceMapping', `GetEventSourceMapping ${uuid}`);
      const byPair = await rejected(run(action(name), pair, context()));
      expectNotImplemented(byPair, 'ListEventSourceMappings', `ListEventSourceMappings of ${functionName} on ${QUEUE}`);
    }

    const planned = await rejected(plan(action('create'), pair, context()));
    expectNotImplemented(planned, 'ListEventSourceMappings', `ListEventSourceMappings of ${functionName} on ${QUEUE}`);
  });
});

describe('event-source-mapping parameters', () => {
  it('takes CreateEventSourceMapping’s members in lowerCamelCase and sends their SDK form', () => {
    const params = createParams.parse({
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
    expect(toUpdateMembers(updateParams.parse({ uuid: 'u', batchSize: 10, enabled: true, waitTimeout: 5 }))).toEqual({
      BatchSize: 10,
      Enabled: true,
    });
  });

  it('checks the rules the API would enforce later, all at once', () => {
    const messages = (result: { error?: { issues: { message: string }[] } }) =>
      result.error?.issues.map((i) => i.message) ?? [];
    expect(messages(createParams.safeParse({ functionName: 'f', eventSourceArn: STREAM }))).toEqual([
      'a stream source (Kinesis, DynamoDB streams, Kafka) needs startingPosition: TRIM_HORIZON, LATEST or AT_TIMESTAMP',
    ]);
    expect(
      messages(createParams.safeParse({ functionName: 'f', eventSourceArn: STREAM, startingPosition: 'AT_TIMESTAMP' })),
    ).toEqual(['startingPositionTimestamp goes with startingPosition: AT_TIMESTAMP (and only with it)']);
    expect(createParams.safeParse({ functionName: 'f', eventSourceArn: QUEUE }).success).toBe(true);
    expect(messages(selectParams.safeParse({ functionName: 'f' }))).toEqual([
      'give uuid, or functionName and eventSourceArn to find the mapping',
    ]);
    const unknown = updateParams.safeParse({ uuid: 'u', batchsize: 10 });
    expect(unknown.success).toBe(false);
    expect(JSON.stringify(unknown.error?.issues)).toContain('batchsize');
    expect(createParams.safeParse({ functionName: 'f', eventSourceArn: QUEUE, batchSize: 0 }).success).toBe(false);
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
