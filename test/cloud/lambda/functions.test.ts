import { createHash } from 'node:crypto';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { failure, randomName, useCloud } from '../../helpers/cloud.js';
import { nodeFunction, renameEntries, TEST_ROLE, zip } from '../../helpers/zip.js';
import { WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 150 } });

async function create(name = randomName('fn'), extra: Record<string, unknown> = {}) {
  const lambda = t.lambda();
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: TEST_ROLE,
      Code: { ZipFile: await nodeFunction('return 1;') },
      ...extra,
    }),
  );
  return { name, created, lambda };
}

describe('CreateFunction', () => {
  it('creates a Pending function that becomes Active, as the SDK waiter sees it', async () => {
    const code = await nodeFunction('return "hi";');
    const name = randomName('fn');
    const lambda = t.lambda();
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: TEST_ROLE,
        Code: { ZipFile: code },
        Environment: { Variables: { STAGE: 'test' } },
        Tags: { team: 'core' },
      }),
    );
    expect(created).toMatchObject({
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
      Environment: { Variables: { STAGE: 'test' } },
      CodeSize: code.length,
      CodeSha256: createHash('sha256').update(code).digest('base64'),
    });
    expect(created.LastUpdateStatus).toBeUndefined();
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
    const active = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    expect(active.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(active.Configuration?.StateReason).toBeUndefined();
    expect(active.Tags).toEqual({ team: 'core' });
    expect(active.Code?.RepositoryType).toBe('S3');

    // Code.Location downloads the very zip that was uploaded, without credentials.
    const download = await fetch(active.Code?.Location ?? '');
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(code);
  });

  it('creates from an S3 object, and fails as AWS does when the object is missing', async () => {
    const bucket = randomName('code');
    const s3 = t.s3();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const code = await nodeFunction('return 2;');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fn.zip', Body: code }));
    const { created } = await create(undefined, { Code: { S3Bucket: bucket, S3Key: 'fn.zip' } });
    expect(created.CodeSha256).toBe(createHash('sha256').update(code).digest('base64'));

    expect(await failure(create(undefined, { Code: { S3Bucket: bucket, S3Key: 'missing.zip' } }))).toEqual({
      name: 'InvalidParameterValueException',
      message:
        'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
      status: 400,
    });
    expect(await failure(create(undefined, { Code: { S3Bucket: randomName('nobucket'), S3Key: 'k' } }))).toEqual({
      name: 'InvalidParameterValueException',
      message:
        'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
      status: 400,
    });
  });

  it('refuses a second function with the same name', async () => {
    const { name } = await create();
    expect(await failure(create(name))).toEqual({
      name: 'ResourceConflictException',
      message: `Function already exist: ${name}`,
      status: 409,
    });
  });

  it('validates limits and values with AWS messages', async () => {
    expect(await failure(create(undefined, { Timeout: 901 }))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
      status: 400,
    });
    expect((await failure(create(undefined, { MemorySize: 10241 }))).message).toBe(
      "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
    );
    expect((await failure(create(undefined, { MemorySize: 127 }))).name).toBe('ValidationException');
    expect((await failure(create(undefined, { Role: 'not-a-role' }))).message).toMatch(
      /^1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(await failure(create(undefined, { Runtime: 'nodejs12.x' }))).toEqual({
      name: 'InvalidParameterValueException',
      message:
        'The runtime parameter of nodejs12.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.',
      status: 400,
    });
    const unknown = await failure(create(undefined, { Runtime: 'cobol85' }));
    expect(unknown.name).toBe('InvalidParameterValueException');
    expect(unknown.message).toMatch(
      /^Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x.*\] or be a valid ARN$/,
    );
    expect(await failure(create(undefined, { Environment: { Variables: { AWS_REGION: 'x' } } }))).toEqual({
      name: 'InvalidParameterValueException',
      message:
        'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION',
      status: 400,
    });
    const big = await failure(create(undefined, { Environment: { Variables: { BIG: 'x'.repeat(5000) } } }));
    expect(big.message).toMatch(/exceeded the 4KB limit/);
    expect(big.message).not.toContain('xxxx');
  });

  it('rejects packages that are not zips or that escape the function directory', async () => {
    const notZip = Buffer.from('this is not a zipfile, just a random string');
    expect(await failure(create(undefined, { Code: { ZipFile: notZip } }))).toEqual({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
      status: 400,
    });
    // yazl refuses to write `../` names, so the entry is renamed in the finished archive.
    const slip = renameEntries(await zip({ 'index.js': 'x', 'aaaaa/evil.js': 'y' }), 'aaaaa/', '../../');
    expect((await failure(create(undefined, { Code: { ZipFile: slip } }))).name).toBe('InvalidParameterValueException');
    const link = await zip({ 'index.js': 'x' }, { passwd: '../../../../etc/passwd' });
    expect(await failure(create(undefined, { Code: { ZipFile: link } }))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('points outside the package'),
    });
  });
});

describe('reading and listing', () => {
  it('answers GetFunctionConfiguration and not-found as AWS words it', async () => {
    const { name, lambda } = await create();
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(config.FunctionName).toBe(name);
    const missing = randomName('missing');
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: missing })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${missing}`,
      status: 404,
    });
    expect((await failure(lambda.send(new GetFunctionCommand({ FunctionName: name, Qualifier: '42' })))).message).toBe(
      `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}:42`,
    );
    const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: arn }))).Configuration?.FunctionName).toBe(name);
    expect(
      (await failure(lambda.send(new GetFunctionCommand({ FunctionName: `${arn}:1`, Qualifier: '2' })))).message,
    ).toBe('The derived qualifier from the function name does not match the specified qualifier.');
  });

  it('lists functions page by page', async () => {
    const lambda = t.lambda({ region: 'eu-west-3' });
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name = randomName('list');
      names.push(name);
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'python3.12',
          Handler: 'app.handler',
          Role: TEST_ROLE,
          Code: { ZipFile: await zip({ 'app.py': 'def handler(e, c):\n  return 1\n' }) },
        }),
      );
    }
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      pages++;
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
      marker = page.NextMarker;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual([...names].sort());
    // Another region's functions are not listed here.
    const other = await t.lambda().send(new ListFunctionsCommand({}));
    expect(other.Functions?.some((f) => names.includes(f.FunctionName ?? ''))).toBe(false);
  });

  it('reports account settings and usage', async () => {
    const settings = await t.lambda({ region: 'ap-south-1' }).send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit).toMatchObject({
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: 1000,
      TotalCodeSize: 80_530_636_800,
    });
    expect(settings.AccountUsage?.FunctionCount).toBeGreaterThan(0);
  });
});

describe('updates', () => {
  it('updates code with InProgress -> Successful, refusing a second update meanwhile', async () => {
    const { name, lambda } = await create();
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
    const code = await nodeFunction('return 3;');
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: code }));
    expect(updated).toMatchObject({
      State: 'Active',
      LastUpdateStatus: 'InProgress',
      LastUpdateStatusReason: 'The function is being created.',
      LastUpdateStatusReasonCode: 'Creating',
      CodeSha256: createHash('sha256').update(code).digest('base64'),
    });
    expect(
      await failure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 10 }))),
    ).toEqual({
      name: 'ResourceConflictException',
      message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      status: 409,
    });
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: name });
    const config = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Timeout: 10,
        MemorySize: 256,
        Description: 'bigger',
        Environment: { Variables: { AA: '1' } },
      }),
    );
    expect(config).toMatchObject({ Timeout: 10, MemorySize: 256, Description: 'bigger', Handler: 'index.handler' });
    expect(config.RevisionId).not.toBe(updated.RevisionId);
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: name });
  });

  it('checks RevisionId', async () => {
    const { name, lambda, created } = await create();
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
    expect(
      await failure(
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 5, RevisionId: 'stale' })),
      ),
    ).toEqual({
      name: 'PreconditionFailedException',
      message:
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      status: 412,
    });
    const ok = await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: 5, RevisionId: created.RevisionId }),
    );
    expect(ok.Timeout).toBe(5);
  });

  it('deletes a function, then it is gone', async () => {
    const { name, lambda } = await create();
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    expect((await failure(lambda.send(new GetFunctionCommand({ FunctionName: name })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await failure(lambda.send(new DeleteFunctionCommand({ FunctionName: name })))).status).toBe(404);
  });
});
