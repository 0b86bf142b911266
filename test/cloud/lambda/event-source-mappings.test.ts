/**
 * Lambda's event source mapping API through the SDK: the lifecycle and its states, what each kind
 * of source answers with, FunctionName forms, listing, tags, and AWS's errors. Expected values are
 * those recorded against AWS (LocalStack's snapshot files for the Lambda API and the SQS, Kinesis
 * and DynamoDB Streams integrations). Sources are real: queues, streams and table streams are
 * created through their own services.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  type EventSourceMappingConfiguration,
  GetEventSourceMappingCommand,
  type GetEventSourceMappingCommandOutput,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud, waitFor } from '../../helpers/cloud.js';
import { kinesisClients } from '../kinesis/support.js';
import { deployFunction } from './support.js';

/** The server's clock; a test may stop it to hold a mapping in a transition. */
let stoppedAt: number | undefined;
const t = useCloud({
  clock: () => stoppedAt ?? Date.now(),
  lambda: { transitionMs: 60 },
  kinesis: { transitionMs: 20 },
  dynamodb: { transitionMs: 20 },
});

const kinesis = kinesisClients(t);
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const newFunction = () => deployFunction(t.lambda(), { 'index.js': 'exports.handler = async () => ({});' });

async function newQueue(name = randomName('q')): Promise<string> {
  const { QueueUrl } = await t.sqs().send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await t.sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes?.QueueArn ?? '';
}

async function newStream(): Promise<string> {
  const name = randomName('stream');
  await kinesis().send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
}

async function newTableStream(): Promise<string> {
  const created = await t.dynamodb().send(
    new CreateTableCommand({
      TableName: randomName('table'),
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  return created.TableDescription?.LatestStreamArn ?? '';
}

const create = (input: CreateEventSourceMappingCommandInput) =>
  t.lambda().send(new CreateEventSourceMappingCommand(input));
const get = (uuid: string) => t.lambda().send(new GetEventSourceMappingCommand({ UUID: uuid }));

/** Polls until the mapping's State is `state` (and returns it then). */
function settled(uuid: string, state: string): Promise<GetEventSourceMappingCommandOutput> {
  return waitFor(`mapping ${uuid} ${state}`, async () => {
    const m = await get(uuid);
    return m.State === state ? m : undefined;
  });
}

/** The members of an answer, without the SDK's $metadata. */
function members(m: EventSourceMappingConfiguration & { $metadata?: unknown }) {
  const { $metadata: _, ...rest } = m;
  return rest;
}

const fnArn = (name: string, qualifier?: string) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const esmArn = (uuid: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${uuid}`;

describe('the mapping lifecycle', () => {
  it('SQS: Creating -> Enabled, Updating, Disabling -> Disabled, Enabling -> Enabled, Deleting -> gone', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const created = await create({ FunctionName: fn, EventSourceArn: queue });
    expect(created.$metadata.httpStatusCode).toBe(202);
    const uuid = created.UUID ?? '';
    expect(uuid).toMatch(UUID);
    // An SQS mapping's answer has no stream members and no LastProcessingResult.
    expect(members(created)).toEqual({
      UUID: uuid,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      FunctionResponseTypes: [],
      EventSourceArn: queue,
      FunctionArn: fnArn(fn),
      LastModified: expect.any(Date),
      State: 'Creating',
      StateTransitionReason: 'USER_INITIATED',
      EventSourceMappingArn: esmArn(uuid),
    });
    const enabled = await settled(uuid, 'Enabled');
    expect(enabled.$metadata.httpStatusCode).toBe(200);
    expect(members(enabled)).toEqual({ ...members(created), State: 'Enabled' });

    const updated = await t
      .lambda()
      .send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5, MaximumBatchingWindowInSeconds: 2 }));
    expect(updated.$metadata.httpStatusCode).toBe(202);
    expect(updated).toMatchObject({ State: 'Updating', BatchSize: 5, MaximumBatchingWindowInSeconds: 2 });
    expect(updated.LastModified?.getTime()).toBeGreaterThanOrEqual(created.LastModified?.getTime() ?? 0);
    await settled(uuid, 'Enabled');

    const disabling = await t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    expect(disabling.State).toBe('Disabling');
    expect(await settled(uuid, 'Disabled')).toMatchObject({ BatchSize: 5, MaximumBatchingWindowInSeconds: 2 });
    const enabling = await t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    expect(enabling.State).toBe('Enabling');
    await settled(uuid, 'Enabled');

    const deleting = await t.lambda().send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    expect(deleting.$metadata.httpStatusCode).toBe(202);
    expect(members(deleting)).toMatchObject({ UUID: uuid, State: 'Deleting', BatchSize: 5 });
    await waitFor('the mapping to be gone', () =>
      get(uuid).then(
        () => undefined,
        () => true,
      ),
    );
    expect(await failure(get(uuid))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
      status: 404,
    });
  });

  it('a mapping created with Enabled: false goes from Creating to Disabled', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const created = await create({ FunctionName: fn, EventSourceArn: queue, Enabled: false });
    expect(created.State).toBe('Creating');
    await settled(created.UUID ?? '', 'Disabled');
  });

  it('refuses Update and Delete while the mapping is in a transition (ResourceInUseException)', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    // With the clock stopped the mapping stays Creating however slow the machine is.
    stoppedAt = Date.now();
    const { UUID: uuid = '' } = await create({ FunctionName: fn, EventSourceArn: queue });
    expect(await failure(t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 2 })))).toEqual({
      name: 'ResourceInUseException',
      message: 'Cannot update the event source mapping because it is in use.',
      status: 400,
    });
    expect(await failure(t.lambda().send(new DeleteEventSourceMappingCommand({ UUID: uuid })))).toEqual({
      name: 'ResourceInUseException',
      message: 'Cannot delete the event source mapping because it is in use.',
      status: 400,
    });
    expect((await get(uuid)).State).toBe('Creating');
    stoppedAt = undefined;
    await settled(uuid, 'Enabled');
  });

  it('a mapping outlives its function, as on AWS', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const { UUID: uuid = '' } = await create({ FunctionName: fn, EventSourceArn: queue });
    await settled(uuid, 'Enabled');
    await t.lambda().send(new DeleteFunctionCommand({ FunctionName: fn }));
    expect(await get(uuid)).toMatchObject({ State: 'Enabled', FunctionArn: fnArn(fn) });
    expect(
      (await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: fn }))).EventSourceMappings,
    ).toHaveLength(1);
  });
});

describe('what each kind of source answers with', () => {
  it('Kinesis: every stream member with its default, LastProcessingResult, "User action"', async () => {
    const [fn, stream] = await Promise.all([newFunction(), newStream()]);
    const created = await create({ FunctionName: fn, EventSourceArn: stream, StartingPosition: 'LATEST' });
    const uuid = created.UUID ?? '';
    expect(members(created)).toEqual({
      UUID: uuid,
      BatchSize: 100,
      BisectBatchOnFunctionError: false,
      DestinationConfig: { OnFailure: {} },
      EventSourceArn: stream,
      EventSourceMappingArn: esmArn(uuid),
      FunctionArn: fnArn(fn),
      FunctionResponseTypes: [],
      LastModified: expect.any(Date),
      LastProcessingResult: 'No records processed',
      MaximumBatchingWindowInSeconds: 0,
      MaximumRecordAgeInSeconds: -1,
      MaximumRetryAttempts: -1,
      ParallelizationFactor: 1,
      StartingPosition: 'LATEST',
      State: 'Creating',
      StateTransitionReason: 'User action',
      TumblingWindowInSeconds: 0,
    });
    await settled(uuid, 'Enabled');
  });

  it('Kinesis AT_TIMESTAMP keeps its timestamp; every stream setting is stored and answered', async () => {
    const [fn, stream, dlq] = await Promise.all([newFunction(), newStream(), newQueue()]);
    const at = new Date('2026-01-02T03:04:05Z');
    const filter = { Filters: [{ Pattern: '{"data":{"kind":["click"]}}' }] };
    const settings = {
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: at,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 3,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 7,
      MaximumRecordAgeInSeconds: 60,
      TumblingWindowInSeconds: 30,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: dlq } },
      FilterCriteria: filter,
      KMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`,
      MetricsConfig: { Metrics: ['EventCount'] },
    } satisfies Omit<CreateEventSourceMappingCommandInput, 'FunctionName'>;
    const created = await create({ FunctionName: fn, EventSourceArn: stream, ...settings });
    const got = await settled(created.UUID ?? '', 'Enabled');
    expect(got).toMatchObject(settings);
    // Empty values clear: filters and the destination.
    await t.lambda().send(
      new UpdateEventSourceMappingCommand({
        UUID: created.UUID,
        FilterCriteria: {},
        DestinationConfig: { OnFailure: {} },
      }),
    );
    const cleared = await settled(created.UUID ?? '', 'Enabled');
    expect(cleared.FilterCriteria).toBeUndefined();
    expect(cleared.DestinationConfig).toEqual({ OnFailure: {} });
  });

  it('DynamoDB Streams: the stream defaults, TRIM_HORIZON, an SQS on-failure destination', async () => {
    const [fn, stream, dlq] = await Promise.all([newFunction(), newTableStream(), newQueue()]);
    const created = await create({
      FunctionName: fn,
      EventSourceArn: stream,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1,
      MaximumBatchingWindowInSeconds: 1,
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: dlq } },
    });
    expect(members(created)).toEqual({
      UUID: created.UUID,
      BatchSize: 1,
      BisectBatchOnFunctionError: false,
      DestinationConfig: { OnFailure: { Destination: dlq } },
      EventSourceArn: stream,
      EventSourceMappingArn: esmArn(created.UUID ?? ''),
      FunctionArn: fnArn(fn),
      FunctionResponseTypes: [],
      LastModified: expect.any(Date),
      LastProcessingResult: 'No records processed',
      MaximumBatchingWindowInSeconds: 1,
      MaximumRecordAgeInSeconds: -1,
      MaximumRetryAttempts: 1,
      ParallelizationFactor: 1,
      StartingPosition: 'TRIM_HORIZON',
      State: 'Creating',
      StateTransitionReason: 'User action',
      TumblingWindowInSeconds: 0,
    });
  });

  it('SQS: a batch above 10 with a batching window, ScalingConfig, filters', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const created = await create({
      FunctionName: fn,
      EventSourceArn: queue,
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 20 },
      FilterCriteria: { Filters: [{ Pattern: '{"body":{"n":[{"numeric":[">",1]}]}}' }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(created).toMatchObject({
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(created.StartingPosition).toBeUndefined();
    expect(created.ParallelizationFactor).toBeUndefined();
  });
});

describe('FunctionName', () => {
  it('takes a name, a partial ARN, a full ARN, each with a version or alias; FunctionArn says which', async () => {
    const fn = await newFunction();
    const { Version: version = '' } = await t.lambda().send(new PublishVersionCommand({ FunctionName: fn }));
    await t.lambda().send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: version }));
    const cases: [string, string][] = [
      [fn, fnArn(fn)],
      [`${fn}:$LATEST`, fnArn(fn, '$LATEST')],
      [`${fn}:${version}`, fnArn(fn, version)],
      [`${fn}:live`, fnArn(fn, 'live')],
      [`${ACCOUNT}:function:${fn}`, fnArn(fn)],
      [fnArn(fn, version), fnArn(fn, version)],
      [fnArn(fn, 'live'), fnArn(fn, 'live')],
    ];
    for (const [name, expected] of cases) {
      const created = await create({ FunctionName: name, EventSourceArn: await newQueue() });
      expect(created.FunctionArn, name).toBe(expected);
    }
    for (const name of [`${fn}:42`, `${fn}:nope`, randomName('missing')]) {
      expect(await failure(create({ FunctionName: name, EventSourceArn: await newQueue() })), name).toEqual({
        name: 'InvalidParameterValueException',
        message: 'Function does not exist',
        status: 400,
      });
    }
  });

  it('an update may point the mapping at another function', async () => {
    const [fn, other, queue] = await Promise.all([newFunction(), newFunction(), newQueue()]);
    const { UUID: uuid = '' } = await create({ FunctionName: fn, EventSourceArn: queue });
    await settled(uuid, 'Enabled');
    const updated = await t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, FunctionName: other }));
    expect(updated).toMatchObject({ State: 'Updating', FunctionArn: fnArn(other) });
  });
});

describe('ListEventSourceMappings', () => {
  it('filters by function and by source, and pages with Marker and MaxItems', async () => {
    const [fn, other, q1, q2] = await Promise.all([newFunction(), newFunction(), newQueue(), newQueue()]);
    const a = await create({ FunctionName: fn, EventSourceArn: q1 });
    const b = await create({ FunctionName: fn, EventSourceArn: q2 });
    const c = await create({ FunctionName: other, EventSourceArn: q1 });
    const list = async (input: Record<string, unknown>) =>
      (await t.lambda().send(new ListEventSourceMappingsCommand(input))).EventSourceMappings?.map((m) => m.UUID);
    expect(await list({ FunctionName: fn })).toEqual([a.UUID, b.UUID]);
    expect(await list({ FunctionName: fnArn(fn) })).toEqual([a.UUID, b.UUID]);
    expect(await list({ EventSourceArn: q1 })).toEqual([a.UUID, c.UUID]);
    expect(await list({ FunctionName: other, EventSourceArn: q1 })).toEqual([c.UUID]);
    expect(await list({ FunctionName: randomName('none') })).toEqual([]);

    const first = await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: fn, MaxItems: 1 }));
    expect(first.EventSourceMappings?.map((m) => m.UUID)).toEqual([a.UUID]);
    expect(first.NextMarker).toBeDefined();
    const second = await t
      .lambda()
      .send(new ListEventSourceMappingsCommand({ FunctionName: fn, MaxItems: 1, Marker: first.NextMarker }));
    expect(second.EventSourceMappings?.map((m) => m.UUID)).toEqual([b.UUID]);
    expect(second.NextMarker).toBeUndefined();
  });
});

describe('tags', () => {
  it('Tags at create, then ListTags, TagResource and UntagResource on the mapping ARN', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const { EventSourceMappingArn: arn = '' } = await create({
      FunctionName: fn,
      EventSourceArn: queue,
      Tags: { team: 'core' },
    });
    const tags = async () => (await t.lambda().send(new ListTagsCommand({ Resource: arn }))).Tags;
    expect(await tags()).toEqual({ team: 'core' });
    await t.lambda().send(new TagResourceCommand({ Resource: arn, Tags: { stage: 'dev' } }));
    await t.lambda().send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team'] }));
    expect(await tags()).toEqual({ stage: 'dev' });
    // A function's tags are still its own.
    expect((await t.lambda().send(new ListTagsCommand({ Resource: fnArn(fn) }))).Tags).toEqual({});
    const unknown = esmArn('00000000-0000-4000-8000-000000000000');
    expect(await failure(t.lambda().send(new ListTagsCommand({ Resource: unknown })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Event source mapping not found: ${unknown}`,
      status: 404,
    });
  });
});

describe('errors as AWS words them', () => {
  const unknownUuid = '3f0a8e2e-7c1b-4d5e-9f60-123456789abc';
  const notFound = {
    name: 'ResourceNotFoundException',
    message: 'The resource you requested does not exist.',
    status: 404,
  };
  const invalid = (message: string) => ({ name: 'InvalidParameterValueException', message, status: 400 });

  it('an unknown UUID: Get, Update and Delete answer 404', async () => {
    expect(await failure(get(unknownUuid))).toEqual(notFound);
    expect(
      await failure(t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: unknownUuid, Enabled: false }))),
    ).toEqual(notFound);
    expect(await failure(t.lambda().send(new DeleteEventSourceMappingCommand({ UUID: unknownUuid })))).toEqual(
      notFound,
    );
  });

  it('no source, an unknown function, an OnSuccess destination', async () => {
    const queue = await newQueue();
    expect(await failure(create({ FunctionName: 'doesnotexist' }))).toEqual(invalid('Unrecognized event source.'));
    expect(await failure(create({ FunctionName: 'doesnotexist', EventSourceArn: queue }))).toEqual(
      invalid('Function does not exist'),
    );
    expect(
      await failure(
        create({
          FunctionName: 'doesnotexist',
          EventSourceArn: queue,
          DestinationConfig: { OnSuccess: { Destination: queue } },
        }),
      ),
    ).toEqual(invalid('Unsupported DestinationConfig parameter for given event source mapping type.'));
  });

  it('a second mapping of the same function and source: ResourceConflictException (409)', async () => {
    const [fn, queue, stream, tableStream] = await Promise.all([
      newFunction(),
      newQueue(),
      newStream(),
      newTableStream(),
    ]);
    const q = await create({ FunctionName: fn, EventSourceArn: queue });
    expect(await failure(create({ FunctionName: fn, EventSourceArn: queue }))).toEqual({
      name: 'ResourceConflictException',
      message: `An event source mapping with SQS arn (" ${queue} ") and function (" ${fn} ") already exists. Please update or delete the existing mapping with UUID ${q.UUID}`,
      status: 409,
    });
    for (const source of [stream, tableStream]) {
      const s = await create({ FunctionName: fn, EventSourceArn: source, StartingPosition: 'TRIM_HORIZON' });
      expect(await failure(create({ FunctionName: fn, EventSourceArn: source, StartingPosition: 'LATEST' }))).toEqual({
        name: 'ResourceConflictException',
        message: `The event source arn (" ${source} ") and function (" ${fn} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${s.UUID}`,
        status: 409,
      });
    }
  });

  it('StartingPosition: required for streams, refused for queues, AT_TIMESTAMP for Kinesis only', async () => {
    const [fn, queue, stream, tableStream] = await Promise.all([
      newFunction(),
      newQueue(),
      newStream(),
      newTableStream(),
    ]);
    expect(await failure(create({ FunctionName: fn, EventSourceArn: stream }))).toEqual(
      invalid(
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
      ),
    );
    expect(
      await failure(
        create({
          FunctionName: fn,
          EventSourceArn: stream,
          StartingPosition: 'invalid' as 'LATEST',
        }),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      // (AWS lists the set as [LATEST, AT_TIMESTAMP, TRIM_HORIZON]; the protocol layer lists the model's order.)
      message: expect.stringMatching(
        /^1 validation error detected: Value 'invalid' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: \[/,
      ),
      status: 400,
    });
    expect(
      await failure(
        create({
          FunctionName: fn,
          EventSourceArn: stream,
          StartingPosition: 'LATEST',
          StartingPositionTimestamp: new Date(),
        }),
      ),
    ).toEqual(invalid('Timestamp only valid with StartingPosition AT_TIMESTAMP'));
    expect(
      await failure(
        create({
          FunctionName: fn,
          EventSourceArn: tableStream,
          StartingPosition: 'AT_TIMESTAMP',
          StartingPositionTimestamp: new Date(),
        }),
      ),
    ).toEqual(invalid(`Unsupported starting position for arn type: ${tableStream}`));
    expect(await failure(create({ FunctionName: fn, EventSourceArn: queue, StartingPosition: 'LATEST' }))).toEqual(
      invalid('StartingPosition is not valid for SQS event sources.'),
    );
  });

  it('SQS batches above 10 need a batching window, on create and on update', async () => {
    const [fn, queue] = await Promise.all([newFunction(), newQueue()]);
    const message = invalid(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
    expect(await failure(create({ FunctionName: fn, EventSourceArn: queue, BatchSize: 11 }))).toEqual(message);
    const { UUID: uuid = '' } = await create({ FunctionName: fn, EventSourceArn: queue });
    await settled(uuid, 'Enabled');
    expect(await failure(t.lambda().send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 11 })))).toEqual(
      message,
    );
    // Nothing was half-written.
    expect((await get(uuid)).BatchSize).toBe(10);
  });

  it('stream-only members on a queue, record ages, destinations, filters', async () => {
    const [fn, queue, stream] = await Promise.all([newFunction(), newQueue(), newStream()]);
    for (const member of ['ParallelizationFactor', 'MaximumRetryAttempts', 'TumblingWindowInSeconds'] as const) {
      expect(await failure(create({ FunctionName: fn, EventSourceArn: queue, [member]: 2 })), member).toEqual(
        invalid(`Unsupported ${member} parameter for given event source mapping type.`),
      );
    }
    expect(
      await failure(
        create({ FunctionName: fn, EventSourceArn: queue, DestinationConfig: { OnFailure: { Destination: queue } } }),
      ),
    ).toEqual(invalid('Unsupported DestinationConfig parameter for given event source mapping type.'));
    const onStream = (extra: Partial<CreateEventSourceMappingCommandInput>) =>
      failure(create({ FunctionName: fn, EventSourceArn: stream, StartingPosition: 'LATEST', ...extra }));
    expect(await onStream({ MaximumRecordAgeInSeconds: 30 })).toEqual(
      invalid('MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)'),
    );
    expect(await onStream({ ScalingConfig: { MaximumConcurrency: 5 } })).toEqual(
      invalid('Unsupported ScalingConfig parameter for given event source mapping type.'),
    );
    expect(await onStream({ MaximumRetryAttempts: 10_001 })).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
    const lambdaDestination = fnArn(fn);
    expect(await onStream({ DestinationConfig: { OnFailure: { Destination: lambdaDestination } } })).toEqual(
      invalid(
        `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${lambdaDestination})) is invalid.`,
      ),
    );
    for (const pattern of [
      'not json',
      '"a string"',
      '{"eventName": ["INSERT"=123}',
      '{"a": 1}',
      '{}',
      '{"a": [{"prefixx": "x"}]}',
    ]) {
      expect(await onStream({ FilterCriteria: { Filters: [{ Pattern: pattern }] } }), pattern).toEqual(
        invalid('Invalid filter pattern definition.'),
      );
    }
    const six = Array.from({ length: 6 }, (_, i) => ({ Pattern: JSON.stringify({ n: [i] }) }));
    expect(await onStream({ FilterCriteria: { Filters: six } })).toMatchObject({
      name: 'InvalidParameterValueException',
    });
    // None of these left a mapping behind.
    expect(
      (await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName: fn }))).EventSourceMappings,
    ).toEqual([]);
  });

  it('refuses a source that does not exist, worded per source kind', async () => {
    const FunctionName = await newFunction();
    const missingStream = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${randomName('gone')}`;
    expect(await failure(create({ FunctionName, EventSourceArn: missingStream, StartingPosition: 'LATEST' }))).toEqual(
      invalid(`Stream not found: ${missingStream}`),
    );
    const missingTableStream = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${randomName('gone')}/stream/2026-12-06T00:00:00.000`;
    expect(
      await failure(create({ FunctionName, EventSourceArn: missingTableStream, StartingPosition: 'LATEST' })),
    ).toEqual(invalid(`Stream not found: ${missingTableStream}`));
    const missingQueue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${randomName('gone')}`;
    expect(await failure(create({ FunctionName, EventSourceArn: missingQueue }))).toEqual(
      invalid(
        'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.',
      ),
    );
    expect((await t.lambda().send(new ListEventSourceMappingsCommand({ FunctionName }))).EventSourceMappings).toEqual(
      [],
    );
  });
});
