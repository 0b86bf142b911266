// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is CloudFormation Fn::Sub syntax in the templates here.
/**
 * `cloudformation-stack: package` and `deploy` with `package: true`, against a local cloud: the
 * properties `aws cloudformation package` rewrites are rewritten the same way (compared with the
 * preinstalled AWS CLI v1 packaging the same template against the same cloud), keys are content
 * hashes (stable, so a second run uploads nothing), the plan uploads and writes nothing, and a
 * packaged template deploys.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cloudFormationStackTask } from '../../../src/tasks/cloudformation-stack/index.js';
import { parseTemplateText } from '../../../src/tasks/cloudformation-stack/template-yaml.js';
import type { ActionDefinition } from '../../../src/tasks/task.js';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { outputValue, planResult, run, type TaskContext, useTaskContexts } from '../support.js';

const t = useCloud({ lambda: { transitionMs: 50 } });
const context = useTaskContexts(t);
const run_ = promisify(execFile);

function action(name: string): ActionDefinition<unknown> {
  const found = cloudFormationStackTask.actions[name];
  if (!found) throw new Error(`no action ${name}`);
  return found;
}
const packageAction = action('package');
const deploy = action('deploy');

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  SamFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn
      Handler: index.handler
      Runtime: nodejs20.x
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./fn
      Handler: index.handler
      Runtime: nodejs20.x
      Role: !Sub arn:aws:iam::\${AWS::AccountId}:role/r
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: layer
  SamLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: machine.json
      RoleArn: arn:aws:iam::000000000000:role/r
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/stack.yml
  Remote:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        S3Bucket: elsewhere
        S3Key: code.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::000000000000:role/r
  Fn::Transform:
    Name: AWS::Include
    Parameters:
      Location: include.yml
`;

const NESTED = `Resources:
  Inner:
    Type: AWS::Lambda::Function
    Properties:
      Code: ../fn
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::000000000000:role/r
`;

function writeProject(tc: TaskContext): void {
  const dir = tc.baseDir;
  mkdirSync(join(dir, 'fn'), { recursive: true });
  mkdirSync(join(dir, 'layer', 'nodejs'), { recursive: true });
  mkdirSync(join(dir, 'nested'), { recursive: true });
  writeFileSync(join(dir, 'fn', 'index.mjs'), 'export const handler = async () => "packaged";\n');
  writeFileSync(join(dir, 'layer', 'nodejs', 'lib.mjs'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'machine.json'), '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}\n');
  writeFileSync(join(dir, 'include.yml'), 'Extra:\n  Type: AWS::SNS::Topic\n');
  writeFileSync(join(dir, 'nested', 'stack.yml'), NESTED);
  writeFileSync(join(dir, 'template.yml'), TEMPLATE);
}

async function bucket(tc: TaskContext): Promise<string> {
  const name = randomName('pkg');
  await tc.ctx.aws.s3().send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

async function exists(tc: TaskContext, b: string, key: string): Promise<boolean> {
  return tc.ctx.aws
    .s3()
    .send(new HeadObjectCommand({ Bucket: b, Key: key }))
    .then(
      () => true,
      () => false,
    );
}

/** The shape of a rewritten property: which kind of reference it became, keys and hashes left out. */
function shape(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('s3://')) return 's3-uri';
    if (/^https?:\/\//.test(value)) return 'url';
    // Keys: ours under artifacts/ (SHA-256 and an extension), the CLI's under cli/ (MD5, none).
    if (/^(artifacts|cli)\//.test(value)) return 'key';
    if (value.startsWith('pkg-')) return 'bucket';
    return value;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return value;
}

function resources(template: Record<string, unknown>): Record<string, { Properties?: Record<string, unknown> }> {
  return template['Resources'] as Record<string, { Properties?: Record<string, unknown> }>;
}

describe('cloudformation-stack: package', () => {
  it('rewrites the properties the AWS CLI rewrites, the same way, with content-hash keys uploaded once', async () => {
    const tc = context({ stepId: 'pkg' });
    writeProject(tc);
    const b = await bucket(tc);
    const params = { templateFile: 'template.yml', bucket: b, prefix: 'artifacts' };

    // The plan computes everything and uploads and writes nothing.
    const planned = await planResult(packageAction, params, tc);
    // Five objects to upload (each artifact once) and the packaged template to write.
    expect(planned.changes.filter((c) => c.action === 'create').map((c) => c.resource.split('/')[0])).toEqual([
      ...Array(5).fill('s3:'),
      '.lambda-tasks',
    ]);
    const plannedKeys = JSON.parse(String(planned.outputs?.['artifacts'])) as { key: string }[];
    expect(await exists(tc, b, plannedKeys[0]?.key ?? '')).toBe(false);

    const first = await run(packageAction, params, tc);
    expect(first.changed).toBe(true);
    const file = String(outputValue(first.outputs['templateFile']));
    expect(file).toBe(join(tc.baseDir, '.lambda-tasks/build/pkg.template.yml'));
    const artifacts = JSON.parse(String(first.outputs['artifacts'])) as { location: string; key: string }[];
    // The same keys as planned; fn is used three times and the layer twice, but each is uploaded once: 5 objects.
    expect(artifacts.map((a) => a.key)).toEqual(plannedKeys.map((a) => a.key));
    expect(artifacts.map((a) => a.location)).toEqual([
      'SamFunction.CodeUri',
      'Function.Code',
      'Layer.Content',
      'SamLayer.ContentUri',
      'Machine.DefinitionS3Location',
      'Inner.Code',
      'Nested.TemplateURL',
      'AWS::Include.Location',
    ]);
    expect(first.outputs['uploaded']).toBe(5);
    for (const a of artifacts) {
      expect(a.key).toMatch(/^artifacts\/[0-9a-f]{64}\.(zip|json|template|yml)$/);
      expect(await exists(tc, b, a.key)).toBe(true);
    }
    const ours = parseTemplateText(readFileSync(file, 'utf8'));
    const fnKey = artifacts[0]?.key;
    expect(resources(ours)['SamFunction']?.Properties?.['CodeUri']).toBe(`s3://${b}/${fnKey}`);
    expect(resources(ours)['Function']?.Properties?.['Code']).toEqual({ S3Bucket: b, S3Key: fnKey });
    expect(resources(ours)['Remote']?.Properties?.['Code']).toEqual({ S3Bucket: 'elsewhere', S3Key: 'code.zip' });
    expect(resources(ours)['Function']?.Properties?.['Role']).toEqual({
      'Fn::Sub': 'arn:aws:iam::${AWS::AccountId}:role/r',
    });

    // A second run: same hashes, same keys, nothing uploaded, the template unchanged.
    tc.reset();
    const second = await run(packageAction, params, tc);
    expect(second.changed).toBe(false);
    expect(second.outputs['uploaded']).toBe(0);
    expect(second.outputs['artifacts']).toBe(first.outputs['artifacts']);
    expect(tc.calls.filter((c) => c === 'PutObjectCommand')).toEqual([]);

    // The AWS CLI packages the same template against the same cloud: the same properties are
    // rewritten, each into the same kind of reference (its keys are MD5s, ours SHA-256s).
    const cliOut = join(tc.baseDir, 'cli.json');
    // `cloudformation package` makes its own S3 client, which --endpoint-url does not reach: the
    // endpoint and path-style addressing come from the environment and a config file.
    const config = join(tc.baseDir, 'aws-config');
    writeFileSync(config, '[default]\ns3 =\n  addressing_style = path\n');
    await run_(
      'aws',
      [
        'cloudformation',
        'package',
        '--template-file',
        join(tc.baseDir, 'template.yml'),
        '--s3-bucket',
        b,
        '--s3-prefix',
        'cli',
        '--output-template-file',
        cliOut,
        '--use-json',
      ],
      {
        env: { ...AWS_CLI_ENV, AWS_ENDPOINT_URL: t.url, AWS_CONFIG_FILE: config },
      },
    );
    const theirs = JSON.parse(readFileSync(cliOut, 'utf8')) as Record<string, unknown>;
    const shapes = (template: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(resources(template)).map(([id, r]) => [id, shape(r.Properties ?? r)]));
    expect(shapes(ours)).toEqual(shapes(theirs));
  });

  it('deploys with package: true: the function runs the packaged code', async () => {
    const tc = context({ stepId: 'stack' });
    mkdirSync(join(tc.baseDir, 'fn'));
    writeFileSync(join(tc.baseDir, 'fn', 'index.mjs'), 'export const handler = async () => "packaged";\n');
    const functionName = randomName('pkgfn');
    writeFileSync(
      join(tc.baseDir, 'template.yml'),
      `Resources:
  Function:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: ${functionName}
      Code: fn
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::000000000000:role/r
Outputs:
  Arn:
    Value: !GetAtt Function.Arn
`,
    );
    const b = await bucket(tc);
    const params = { stackName: randomName('pkg'), templateFile: 'template.yml', templateBucket: b, package: true };
    const planned = await planResult(deploy, params, tc);
    expect(planned.changes.map((c) => `${c.action} ${c.resource}`)).toEqual([
      'create Function (AWS::Lambda::Function)',
    ]);
    const first = await run(deploy, params, tc);
    expect(first.changed).toBe(true);
    const fn = await tc.ctx.aws.lambda().send(new GetFunctionCommand({ FunctionName: functionName }));
    const packaged = parseTemplateText(
      readFileSync(join(tc.baseDir, '.lambda-tasks/build/stack.template.yml'), 'utf8'),
    );
    const code = resources(packaged)['Function']?.Properties?.['Code'] as { S3Key: string };
    // The key is the zip's SHA-256, which is the function's CodeSha256.
    expect(Buffer.from(fn.Configuration?.CodeSha256 ?? '', 'base64').toString('hex')).toBe(
      code.S3Key.replace(/\.zip$/, ''),
    );
    const again = await run(deploy, params, tc);
    expect(again.changed).toBe(false);
  });
});
