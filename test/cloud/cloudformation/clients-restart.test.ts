/** `aws cloudformation deploy` (create, then update, then no changes), and stacks across restarts. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { afterAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../../src/cloud/cloud.js';
import { awsCli } from '../../helpers/aws-cli.js';
import { randomName, TEST_CREDENTIALS, useCloud } from '../../helpers/cloud.js';
import { describe as describeStack, output, WAIT } from './support.js';

const t = useCloud({ lambda: { transitionMs: 20 } });
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-cfn-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const aws = awsCli(() => t.url).run;

// The retention is written into the resource: \`deploy\` reuses previous parameter values on update.
const template = (retention: number) => `
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: ${retention}
Outputs:
  Group:
    Value: !Ref Group
`;

describe('AWS CLI v1', () => {
  it('cloudformation deploy creates, updates, and reports no changes', async () => {
    const stackName = randomName('cli-deploy');
    const file = join(work, 'template.yml');
    writeFileSync(file, template(7));
    await aws('cloudformation', 'deploy', '--stack-name', stackName, '--template-file', file);
    const first = await describeStack(t, stackName);
    expect(first.StackStatus).toBe('CREATE_COMPLETE');

    writeFileSync(file, template(14));
    await aws('cloudformation', 'deploy', '--stack-name', stackName, '--template-file', file);
    expect((await describeStack(t, stackName)).StackStatus).toBe('UPDATE_COMPLETE');

    // The CLI treats an empty change set as "No changes to deploy" with --no-fail-on-empty-changeset.
    const again = await aws(
      'cloudformation',
      'deploy',
      '--stack-name',
      stackName,
      '--template-file',
      file,
      '--no-fail-on-empty-changeset',
    );
    expect(`${again.stdout}${again.stderr}`).toMatch(/No changes to deploy/);
  });
});

describe('persistence', () => {
  it('keeps stacks across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-cfn-restart-'));
    const stackName = randomName('persist');
    try {
      let cloud = await startCloud({ port: 0, dataDir });
      let client = new CloudFormationClient({
        endpoint: cloud.url,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      await client.send(new CreateStackCommand({ StackName: stackName, TemplateBody: template(3) }));
      await waitUntilStackCreateComplete({ client, ...WAIT }, { StackName: stackName });
      client.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir });
      client = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      const stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
      expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
      expect(output(stack ?? {}, 'Group')).toMatch(new RegExp(`^${stackName}-Group-`));
      client.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('ends an operation cut short by a shutdown in a failed state, never half-known', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lambda-tasks-cfn-interrupt-'));
    const stackName = randomName('interrupted');
    try {
      // A long Pending period keeps the function's creation in progress while the cloud stops.
      let cloud = await startCloud({ port: 0, dataDir, lambda: { transitionMs: 60_000 } });
      let client = new CloudFormationClient({
        endpoint: cloud.url,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      await client.send(
        new CreateStackCommand({
          StackName: stackName,
          TemplateBody: JSON.stringify({
            Resources: {
              Fn: {
                Type: 'AWS::Lambda::Function',
                Properties: {
                  Runtime: 'nodejs20.x',
                  Handler: 'index.handler',
                  Role: 'arn:aws:iam::000000000000:role/r',
                  Code: { ZipFile: 'exports.handler = async () => 1;' },
                },
              },
            },
          }),
        }),
      );
      client.destroy();
      await cloud.close();

      cloud = await startCloud({ port: 0, dataDir });
      client = new CloudFormationClient({ endpoint: cloud.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      const stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
      expect(stack?.StackStatus).toBe('CREATE_FAILED');
      expect(stack?.StackStatusReason).toBe('The operation was interrupted because the local cloud stopped.');
      client.destroy();
      await cloud.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
