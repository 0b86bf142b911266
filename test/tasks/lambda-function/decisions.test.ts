/** The pure parts of lambda-function: configuration diffs, readiness, pruning, statements. */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { decide } from '../../../src/tasks/lambda-function/changes.js';
import { configurationUpdate, diffConfiguration } from '../../../src/tasks/lambda-function/configuration.js';
import { readiness } from '../../../src/tasks/lambda-function/lifecycle.js';
import { CONFIGURATION_KEYS, configurationShape, toConfiguration } from '../../../src/tasks/lambda-function/params.js';
import { expectedStatement, statementDifferences } from '../../../src/tasks/lambda-function/permissions.js';
import { planPrune } from '../../../src/tasks/lambda-function/versions.js';

/** What GetFunctionConfiguration returns for a function created with only the required members. */
const fresh: FunctionConfiguration = {
  FunctionName: 'hello',
  Runtime: 'nodejs20.x',
  Handler: 'index.handler',
  Role: 'arn:aws:iam::000000000000:role/r',
  Description: '',
  Timeout: 3,
  MemorySize: 128,
  CodeSha256: 'abc=',
  Architectures: ['x86_64'],
  EphemeralStorage: { Size: 512 },
  TracingConfig: { Mode: 'PassThrough' },
  LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/hello' },
  State: 'Active',
  LastUpdateStatus: 'Successful',
};

describe('diffConfiguration', () => {
  it('treats AWS defaults as equal to their explicit values', () => {
    const wanted = toConfiguration({
      timeout: 3,
      memorySize: 128,
      description: '',
      architectures: ['x86_64'],
      ephemeralStorage: { size: 512 },
      tracingConfig: { mode: 'PassThrough' },
      loggingConfig: { logFormat: 'Text', logGroup: '/aws/lambda/hello' },
      environment: { variables: {} },
      layers: [],
      deadLetterConfig: { targetArn: '' },
      vpcConfig: { subnetIds: [], securityGroupIds: [] },
    });
    const bare: FunctionConfiguration = { FunctionName: 'hello', Runtime: 'nodejs20.x' };
    expect(diffConfiguration(wanted, fresh)).toEqual([]);
    expect(diffConfiguration(wanted, bare)).toEqual([]);
  });

  it('reports each differing member as "Member: before -> after", environment keys only', () => {
    const current = { ...fresh, Environment: { Variables: { KEEP: '1', CHANGE: 'old', DROP: 'x' } } };
    const wanted = toConfiguration(
      z.strictObject(configurationShape()).parse({
        timeout: 10,
        handler: 'app.main',
        environment: { variables: { KEEP: 1, CHANGE: 'secret-new', ADD: true } },
        layers: ['arn:aws:lambda:us-east-1:000000000000:layer:l:1'],
        loggingConfig: { logFormat: 'JSON', applicationLogLevel: 'DEBUG' },
        vpcConfig: { subnetIds: ['b', 'a'] },
      }),
    );
    expect(diffConfiguration(wanted, current).map((d) => d.text)).toEqual([
      'Handler: index.handler -> app.main',
      'Timeout: 3 -> 10',
      'Environment.Variables: +ADD, ~CHANGE, -DROP',
      'Layers: (none) -> arn:aws:lambda:us-east-1:000000000000:layer:l:1',
      'LoggingConfig.LogFormat: Text -> JSON, LoggingConfig.ApplicationLogLevel: (none) -> DEBUG',
      'VpcConfig.SubnetIds: (none) -> a, b',
    ]);
    // Environment values written as YAML numbers and booleans become strings.
    expect(wanted.Environment?.Variables).toEqual({ KEEP: '1', CHANGE: 'secret-new', ADD: 'true' });
  });

  it('sends only the differing members, LoggingConfig merged over the current one', () => {
    const wanted = toConfiguration({ timeout: 10, memorySize: 128, loggingConfig: { logFormat: 'JSON' } });
    const update = configurationUpdate(wanted, fresh, diffConfiguration(wanted, fresh));
    expect(update).toEqual({ Timeout: 10, LoggingConfig: { LogFormat: 'JSON', LogGroup: '/aws/lambda/hello' } });
  });

  it('decides code updates by CodeSha256, and architectures go with the code', () => {
    const zipCode = { type: 'zip' as const, bytes: Buffer.from(''), sha256: 'abc=', source: '/fn.zip' };
    const same = decide(
      { configuration: {}, code: zipCode, codeSha: { sha256: 'abc=', how: 'the local package' } },
      { config: fresh, tags: {} },
    );
    expect(same.code).toEqual({ update: false, reason: 'code unchanged (CodeSha256 matches the local package)' });
    const arch = decide(
      {
        configuration: toConfiguration({ architectures: ['arm64'] }),
        code: zipCode,
        codeSha: { sha256: 'abc=', how: 'x' },
      },
      { config: fresh, tags: {} },
    );
    expect([arch.code, arch.configuration]).toEqual([{ update: true, reason: 'Architectures: x86_64 -> arm64' }, []]);
    const tags = decide(
      { configuration: {}, tags: { a: '1', b: '2' } },
      { config: fresh, tags: { a: '1', b: '1', c: '3' } },
    );
    expect(tags.tags).toEqual({ add: { b: '2' }, text: 'tags: ~b' });
  });
});

describe('readiness', () => {
  it('waits on Pending and InProgress, and fails at once on Failed with the reason', () => {
    expect(readiness(fresh)).toEqual({ type: 'ready' });
    expect(readiness({ State: 'Pending' })).toEqual({ type: 'waiting', for: 'State Active' });
    expect(readiness({ State: 'Active', LastUpdateStatus: 'InProgress' })).toEqual({
      type: 'waiting',
      for: 'LastUpdateStatus Successful',
    });
    expect(
      readiness({
        State: 'Failed',
        StateReason: 'The role cannot be assumed.',
        StateReasonCode: 'InvalidConfiguration',
      }),
    ).toEqual({ type: 'failed', reason: 'State Failed: The role cannot be assumed. (InvalidConfiguration)' });
    expect(
      readiness({
        State: 'Active',
        LastUpdateStatus: 'Failed',
        LastUpdateStatusReason: 'Subnet not found.',
        LastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
      }),
    ).toEqual({ type: 'failed', reason: 'LastUpdateStatus Failed: Subnet not found. (SubnetOutOfIPAddresses)' });
  });
});

describe('planPrune', () => {
  it('keeps the newest N and aliased versions, including routing weights', () => {
    const decision = planPrune(
      ['1', '2', '3', '4', '5', '10'],
      [
        { name: 'live', version: '2' },
        { name: 'canary', version: '10', weights: { '3': 0.05 } },
      ],
      1,
    );
    expect(decision.remove).toEqual(['1', '4', '5']);
    expect(decision.kept).toEqual([
      { version: '10', reason: 'one of the 1 newest' },
      { version: '3', reason: 'alias canary routes 5% to it' },
      { version: '2', reason: 'alias live points to it' },
    ]);
    expect(planPrune(['1', '2'], [], 0).remove).toEqual(['1', '2']);
  });
});

describe('add-permission statements', () => {
  it('builds the statement Lambda stores, and compares by content', () => {
    const wanted = expectedStatement({
      functionName: 'f',
      statementId: 'sid',
      action: 'lambda:InvokeFunction',
      principal: 'sns.amazonaws.com',
      sourceArn: 'arn:aws:sns:us-east-1:000000000000:t',
      sourceAccount: '000000000000',
    });
    expect(wanted).toEqual({
      Sid: 'sid',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '000000000000' },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:t' },
      },
    });
    const stored = {
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      Condition: {
        ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:000000000000:t' },
        StringEquals: { 'AWS:SourceAccount': '000000000000' },
      },
      Action: 'lambda:InvokeFunction',
      Principal: { Service: 'sns.amazonaws.com' },
      Effect: 'Allow',
      Sid: 'sid',
    };
    expect(statementDifferences(stored, wanted)).toEqual([]);
    expect(statementDifferences({ ...stored, Principal: '*' }, wanted)).toEqual(['Principal']);
  });
});

describe('parameters', () => {
  it('are strict and use the API member names in lowerCamelCase', () => {
    expect(Object.keys(configurationShape())).toEqual(
      expect.arrayContaining(['memorySize', 'environment', 'ephemeralStorage', 'deadLetterConfig', 'kmsKeyArn']),
    );
    // toConfiguration reads the members by this list: it must name every member of the shape.
    expect([...CONFIGURATION_KEYS].sort()).toEqual(Object.keys(configurationShape()).sort());
    expect(
      toConfiguration({ kmsKeyArn: 'k', deadLetterConfig: { targetArn: 'q' }, ephemeralStorage: { size: 1024 } }),
    ).toEqual({
      KMSKeyArn: 'k',
      DeadLetterConfig: { TargetArn: 'q' },
      EphemeralStorage: { Size: 1024 },
    });
  });
});
