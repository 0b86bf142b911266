/**
 * Function URL configs through the SDK: create for $LATEST and for an alias, get, update (only the
 * members given change), list, delete; the errors AWS answers (a second config, a missing
 * function, alias or config, a version number as qualifier); the config goes with its function.
 * The AWS CLI reads one over the wire.
 */

import { CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { awsCli } from '../../helpers/aws-cli.js';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { nodeFunction } from '../../helpers/zip.js';
import { cfn, created, deleted, output } from '../cloudformation/support.js';
import { deployFunction } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const aws = awsCli(() => t.url);
const URL_PATTERN = /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/;

describe('Lambda function URL configs', () => {
  it('creates, reads, updates, lists and deletes configs for $LATEST and an alias', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, await nodeFunction("return 'ok';"));
    const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }));
    expect(created.FunctionUrl).toMatch(URL_PATTERN);
    expect(created).toMatchObject({ FunctionArn: arn, AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    expect(created).not.toHaveProperty('Cors');
    expect(created).not.toHaveProperty('LastModifiedTime');

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    expect(got).toMatchObject({ FunctionUrl: created.FunctionUrl, FunctionArn: arn, AuthType: 'NONE' });
    expect(got.LastModifiedTime).toBe(got.CreationTime);

    const cors = { AllowOrigins: ['https://example.com'], AllowMethods: ['GET'], MaxAge: 60 };
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, Cors: cors }));
    expect(updated).toMatchObject({ FunctionUrl: created.FunctionUrl, AuthType: 'NONE', Cors: cors });

    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
    const aliased = await lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'live', AuthType: 'AWS_IAM' }),
    );
    expect(aliased.FunctionArn).toBe(`${arn}:live`);
    expect(aliased.FunctionUrl).not.toBe(created.FunctionUrl);

    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }));
    expect(listed.FunctionUrlConfigs?.map((c) => [c.FunctionArn, c.AuthType])).toEqual([
      [arn, 'NONE'],
      [`${arn}:live`, 'AWS_IAM'],
    ]);

    const viaCli = (await aws.json(
      'lambda',
      'get-function-url-config',
      '--function-name',
      name,
      '--qualifier',
      'live',
    )) as {
      FunctionUrl: string;
      AuthType: string;
    };
    expect(viaCli).toMatchObject({ FunctionUrl: aliased.FunctionUrl, AuthType: 'AWS_IAM' });

    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'live' }));
    expect(
      await failure(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'live' }))),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
      status: 404,
    });

    // The config goes with its function.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    const again = await deployFunction(lambda, await nodeFunction("return 'ok';"));
    expect((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: again }))).FunctionUrlConfigs).toEqual(
      [],
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: again }));
  });

  it('answers as AWS for a second config, a missing function, alias or config, and a version qualifier', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, await nodeFunction("return 'ok';"));
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'AWS_IAM' }));
    expect(
      await failure(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }))),
    ).toEqual({
      name: 'ResourceConflictException',
      message: `Failed to create function url config for [functionArn = arn:aws:lambda:us-east-1:000000000000:function:${name}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      status: 409,
    });
    const missing = { name: 'ResourceNotFoundException', message: 'Function does not exist', status: 404 };
    expect(
      await failure(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: `${name}-x`, AuthType: 'NONE' }))),
    ).toEqual(missing);
    expect(
      await failure(
        lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'nope', AuthType: 'NONE' })),
      ),
    ).toEqual(missing);
    expect(
      await failure(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: 'nope' }))),
    ).toEqual(missing);
    const version = await failure(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: '1', AuthType: 'NONE' })),
    );
    expect(version).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(version.message).toContain("Value '1' at 'qualifier' failed to satisfy constraint");
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
  });

  it('deploys a SAM FunctionUrlConfig as AWS::Lambda::Url, with GetAtt FunctionUrl', async () => {
    const StackName = randomName('url');
    const TemplateBody = JSON.stringify({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Api: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            InlineCode: "exports.handler = async () => 'ok';",
            AutoPublishAlias: 'live',
            FunctionUrlConfig: { AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } },
          },
        },
      },
      Outputs: {
        Url: { Value: { 'Fn::GetAtt': ['ApiUrl', 'FunctionUrl'] } },
        Function: { Value: { Ref: 'Api' } },
      },
    });
    await cfn(t).send(
      new CreateStackCommand({ StackName, TemplateBody, Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'] }),
    );
    const stack = await created(t, StackName);
    const config = await t
      .lambda()
      .send(new GetFunctionUrlConfigCommand({ FunctionName: output(stack, 'Function'), Qualifier: 'live' }));
    expect(output(stack, 'Url')).toBe(config.FunctionUrl);
    expect(config).toMatchObject({ AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } });
    await cfn(t).send(new DeleteStackCommand({ StackName }));
    await deleted(t, StackName);
  });
});
