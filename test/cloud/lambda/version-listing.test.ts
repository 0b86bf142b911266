/**
 * Lists of versions name $LATEST by its qualified ARN (`...:function:f:$LATEST`), as AWS does:
 * ListVersionsByFunction and ListFunctions with FunctionVersion ALL; GetFunction and the plain
 * ListFunctions keep the unqualified ARN.
 */
import {
  GetFunctionCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { deployFunction } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });

describe('$LATEST in lists of versions', () => {
  it('is qualified in ListVersionsByFunction and ListFunctions ALL, unqualified elsewhere', async () => {
    const lambda = t.lambda();
    const name = await deployFunction(lambda, { 'index.js': 'exports.handler = async () => 1;' });
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    const base = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    expect(versions.Versions?.map((v) => [v.Version, v.FunctionArn])).toEqual([
      ['$LATEST', `${base}:$LATEST`],
      ['1', `${base}:1`],
    ]);

    const all: { Version?: string; FunctionArn?: string }[] = [];
    let Marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker }));
      all.push(...(page.Functions ?? []));
      Marker = page.NextMarker;
    } while (Marker);
    expect(all.filter((f) => f.FunctionArn?.startsWith(`${base}:`)).map((f) => [f.Version, f.FunctionArn])).toEqual([
      ['$LATEST', `${base}:$LATEST`],
      ['1', `${base}:1`],
    ]);

    const latest = await lambda.send(new ListFunctionsCommand({}));
    expect(latest.Functions?.find((f) => f.FunctionName === name)?.FunctionArn).toBe(base);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.FunctionArn).toBe(base);
  });
});
