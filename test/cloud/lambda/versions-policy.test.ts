import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  DeleteLayerVersionCommand,
  GetAliasCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetLayerVersionCommand,
  GetPolicyCommand,
  ListAliasesCommand,
  ListLayerVersionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { nodeFunction, TEST_ROLE, zip } from '../../helpers/zip.js';
import { deployFunction, WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
async function activeFunction() {
  const lambda = t.lambda();
  const name = await deployFunction(lambda, await nodeFunction('return 1;'));
  const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
  return { name, lambda, arn };
}

describe('versions', () => {
  it('publishes versions, and returns the existing one when nothing changed', async () => {
    const { name, lambda, arn } = await activeFunction();
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: `${arn}:1`, Description: 'first', State: 'Active' });
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    expect(again.Version).toBe('1');
    expect(again.RevisionId).toBe(v1.RevisionId);

    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await nodeFunction('return 2;') }));
    expect((await failure(lambda.send(new PublishVersionCommand({ FunctionName: name })))).name).toBe(
      'ResourceConflictException',
    );
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: name });
    expect(
      (await failure(lambda.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: 'wrong' })))).message,
    ).toMatch(/^CodeSHA256 \(wrong\) is different from current CodeSHA256 in \$LATEST/);
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    expect(v2.Version).toBe('2');
    const listed = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(listed.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);

    // A published version keeps its configuration when $LATEST changes.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 30 }));
    const v1Config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: '1' }));
    expect(v1Config.Timeout).toBe(3);

    expect(await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '$LATEST' })))).toEqual(
      {
        name: 'InvalidParameterValueException',
        message: '$LATEST version cannot be deleted without deleting the function.',
        status: 400,
      },
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '2' }));
    const after = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(after.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
  });
});

describe('aliases', () => {
  it('creates, routes, updates and deletes aliases with AWS errors', async () => {
    const { name, lambda, arn } = await activeFunction();
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await nodeFunction('return 2;') }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: name });
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));

    const live = await lambda.send(
      new CreateAliasCommand({
        FunctionName: name,
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
      }),
    );
    expect(live).toMatchObject({
      AliasArn: `${arn}:live`,
      Name: 'live',
      FunctionVersion: '1',
      Description: '',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
    });
    expect(
      await failure(lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }))),
    ).toEqual({
      name: 'ResourceConflictException',
      message: `Alias already exists: ${arn}:live`,
      status: 409,
    });
    expect(
      (
        await failure(
          lambda.send(
            new CreateAliasCommand({
              FunctionName: name,
              Name: 'bad',
              FunctionVersion: '$LATEST',
              RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
            }),
          ),
        )
      ).message,
    ).toBe('$LATEST is not supported for an alias pointing to more than 1 version');
    expect(
      (
        await failure(
          lambda.send(
            new CreateAliasCommand({
              FunctionName: name,
              Name: 'same',
              FunctionVersion: '1',
              RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
            }),
          ),
        )
      ).message,
    ).toBe('Invalid function version 1. Function version 1 is already included in routing configuration.');
    expect(
      (await failure(lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'x', FunctionVersion: '9' }))))
        .message,
    ).toBe(`Function not found: ${arn}:9`);

    expect(await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: '1' })))).toEqual({
      name: 'ResourceConflictException',
      message: 'Unable to delete version because the following aliases reference it: [live]',
      status: 409,
    });

    const moved = await lambda.send(
      new UpdateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '2', RoutingConfig: {} }),
    );
    expect(moved.FunctionVersion).toBe('2');
    expect(moved.RoutingConfig).toBeUndefined();
    expect(
      await failure(lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: 'live', RevisionId: 'old' }))),
    ).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
    expect((await failure(lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'nope' })))).message).toBe(
      `Cannot find alias arn: ${arn}:nope`,
    );
    // A qualified read through the alias shows the version it points at.
    const viaAlias = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: 'live' }));
    expect(viaAlias.Version).toBe('2');

    const list = await lambda.send(new ListAliasesCommand({ FunctionName: name }));
    expect(list.Aliases?.map((a) => a.Name)).toEqual(['live']);
    await lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: 'live' }));
    expect((await lambda.send(new ListAliasesCommand({ FunctionName: name }))).Aliases).toEqual([]);
  });
});

describe('resource policy', () => {
  it('adds, reads and removes statements per function and alias', async () => {
    const { name, lambda, arn } = await activeFunction();
    expect(await failure(lambda.send(new GetPolicyCommand({ FunctionName: name })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
      status: 404,
    });
    const added = await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 's3-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::my-bucket',
        SourceAccount: '000000000000',
      }),
    );
    expect(JSON.parse(added.Statement ?? '')).toEqual({
      Sid: 's3-invoke',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: arn,
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '000000000000' },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' },
      },
    });
    expect(
      await failure(
        lambda.send(
          new AddPermissionCommand({
            FunctionName: name,
            StatementId: 's3-invoke',
            Action: 'lambda:InvokeFunction',
            Principal: 'sns.amazonaws.com',
          }),
        ),
      ),
    ).toEqual({
      name: 'ResourceConflictException',
      message:
        'The statement id (s3-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.',
      status: 409,
    });
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: 'account',
        Action: 'lambda:InvokeFunction',
        Principal: '111122223333',
      }),
    );
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: name }));
    const document = JSON.parse(policy.Policy ?? '');
    expect(document).toMatchObject({ Version: '2012-10-17', Id: 'default' });
    expect(document.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s3-invoke', 'account']);
    expect(document.Statement[1].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });

    // An alias has its own policy.
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'prod', FunctionVersion: '1' }));
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        Qualifier: 'prod',
        StatementId: 'url',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    );
    const aliasPolicy = JSON.parse(
      (await lambda.send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'prod' }))).Policy ?? '',
    );
    expect(aliasPolicy.Statement).toEqual([
      {
        Sid: 'url',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: `${arn}:prod`,
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
    ]);
    expect(
      (
        await failure(
          lambda.send(
            new AddPermissionCommand({
              FunctionName: name,
              Qualifier: '$LATEST',
              StatementId: 'x',
              Action: 'lambda:InvokeFunction',
              Principal: 'sns.amazonaws.com',
            }),
          ),
        )
      ).message,
    ).toBe('We currently do not support adding policies for $LATEST.');

    await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 's3-invoke' }));
    expect(
      await failure(lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 's3-invoke' }))),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Statement s3-invoke is not found in resource policy.',
      status: 404,
    });
  });
});

describe('concurrency, async settings and tags', () => {
  it('reserves concurrency within the account limit', async () => {
    const { name, lambda } = await activeFunction();
    expect(await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
    expect(
      (await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 5 })))
        .ReservedConcurrentExecutions,
    ).toBe(5);
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions,
    ).toBe(5);
    expect(
      await failure(
        lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 950 })),
      ),
    ).toEqual({
      name: 'InvalidParameterValueException',
      message:
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      status: 400,
    });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  });

  it('stores event invoke configs with AWS validation', async () => {
    const { name, lambda, arn } = await activeFunction();
    expect((await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })))).message).toBe(
      `The function ${arn}:$LATEST doesn't have an EventInvokeConfig`,
    );
    expect((await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name })))).message).toBe(
      'You must specify at least one of error handling or destination setting.',
    );
    expect(
      (
        await failure(
          lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 3 })),
        )
      ).name,
    ).toBe('ValidationException');
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 60,
      }),
    );
    expect(put).toMatchObject({ FunctionArn: `${arn}:$LATEST`, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
    expect(put.LastModified).toBeInstanceOf(Date);
    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
    expect(got.MaximumRetryAttempts).toBe(0);
    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
  });

  it('tags a function', async () => {
    const { lambda, arn } = await activeFunction();
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { a: '1', b: '2' } }));
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['a'] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ b: '2' });
  });
});

describe('layers', () => {
  it('publishes, reads, lists and deletes layer versions', async () => {
    const lambda = t.lambda();
    const layerName = randomName('layer');
    const content = await zip({ 'nodejs/node_modules/greeting/index.js': 'module.exports = "hello";' });
    const v1 = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: layerName,
        Content: { ZipFile: content },
        CompatibleRuntimes: ['nodejs20.x'],
        Description: 'greeting',
      }),
    );
    expect(v1).toMatchObject({
      Version: 1,
      LayerArn: `arn:aws:lambda:us-east-1:000000000000:layer:${layerName}`,
      LayerVersionArn: `arn:aws:lambda:us-east-1:000000000000:layer:${layerName}:1`,
      CompatibleRuntimes: ['nodejs20.x'],
      Content: { CodeSize: content.length },
    });
    const v2 = await lambda.send(
      new PublishLayerVersionCommand({ LayerName: layerName, Content: { ZipFile: content } }),
    );
    expect(v2.Version).toBe(2);
    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 }));
    const download = await fetch(got.Content?.Location ?? '');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    const listed = await lambda.send(new ListLayerVersionsCommand({ LayerName: layerName }));
    expect(listed.LayerVersions?.map((l) => l.Version)).toEqual([2, 1]);
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 }));
    expect(await failure(lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
      status: 404,
    });
    await lambda.send(new DeleteLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 }));
    expect(
      (
        await failure(
          lambda.send(
            new CreateFunctionCommand({
              FunctionName: randomName('fn'),
              Runtime: 'nodejs20.x',
              Handler: 'index.handler',
              Role: TEST_ROLE,
              Code: { ZipFile: await nodeFunction('return 1;') },
              Layers: [`arn:aws:lambda:us-east-1:000000000000:layer:${layerName}:7`],
            }),
          ),
        )
      ).message,
    ).toBe(`Layer version arn:aws:lambda:us-east-1:000000000000:layer:${layerName}:7 does not exist.`);
  });
});
