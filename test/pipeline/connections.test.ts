// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** Connections: the local cloud (found or started in-process), static keys from env, assume-role through STS. */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connections } from '../../src/aws/connections.js';
import { runRunCommand } from '../../src/cli/run.js';
import { runPipeline } from '../../src/pipeline/runner.js';
import { useCloud } from '../helpers/cloud.js';
import { runCommand, TEST_REGISTRY, tempDir } from './helpers.js';

const EXTRA_KEY = {
  accessKeyId: 'AKIAEXTRAKEY0000001',
  secretAccessKey: 'extra-secret-key-value',
  accountId: '111111111111',
};
const cloud = useCloud({ credentials: [EXTRA_KEY] });

function whoami(source: string, env: Record<string, string> = {}) {
  return runPipeline({
    file: 'pipe.yml',
    source,
    cwd: tempDir(),
    registry: TEST_REGISTRY,
    endpoint: cloud.url,
    env,
  });
}

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('connections', () => {
  it('local: the test credentials against the endpoint', async () => {
    const result = await whoami('steps:\n  - { id: me, task: whoami }\n');
    expect(result.steps[0]?.outputs).toEqual({
      arn: 'arn:aws:iam::000000000000:root',
      account: '000000000000',
      region: 'us-east-1',
    });
  });

  it('assumes a role through STS (the local one), with external id, session name and duration', async () => {
    const result = await whoami(`connection: deployer
connections:
  deployer:
    type: local
    region: eu-central-1
    assumeRole:
      roleArn: arn:aws:iam::000000000000:role/deploy-role
      externalId: ext-1234
      sessionName: ci-session
      durationSeconds: 900
steps:
  - { id: me, task: whoami }
`);
    expect(result.failure).toBeUndefined();
    expect(result.steps[0]?.outputs).toEqual({
      arn: 'arn:aws:sts::000000000000:assumed-role/deploy-role/ci-session',
      account: '000000000000',
      region: 'eu-central-1',
    });
  });

  it('reads static keys from the environment variables the connection names, and masks the secret', async () => {
    const source = `connections:
  keyed:
    type: local
    accessKeyIdEnv: DEPLOY_KEY_ID
    secretAccessKeyEnv: DEPLOY_KEY
steps:
  - { id: me, task: whoami, connection: keyed }
  - id: say
    task: echo
    action: say
    with: { message: "key \${env.DEPLOY_KEY}" }
`;
    const result = await whoami(source, {
      DEPLOY_KEY_ID: EXTRA_KEY.accessKeyId,
      DEPLOY_KEY: EXTRA_KEY.secretAccessKey,
    });
    expect(result.steps.map((s) => s.outputs)).toEqual([
      { arn: 'arn:aws:iam::111111111111:root', account: '111111111111', region: 'us-east-1' },
      { message: 'key ****' },
    ]);
    // A key the endpoint does not know: the AWS error names it, with what to do.
    const wrong = await whoami(source, { DEPLOY_KEY_ID: 'AKIAUNKNOWN000000000', DEPLOY_KEY: 'nope-nope-nope' });
    expect(wrong.failure).toMatchObject({
      stepId: 'me',
      code: 'AwsError',
      awsCode: 'InvalidClientTokenId',
      httpStatus: 403,
      hint: "the connection's access key is not known to this endpoint",
    });
  });

  it('reads a profile of the shared credentials file', async () => {
    const dir = tempDir({
      credentials: `[ci]\naws_access_key_id = ${EXTRA_KEY.accessKeyId}\naws_secret_access_key = ${EXTRA_KEY.secretAccessKey}\n`,
    });
    // The SDK reads the file's location from the process environment.
    const saved = process.env['AWS_SHARED_CREDENTIALS_FILE'];
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'credentials');
    try {
      const result = await whoami(
        'connections:\n  ci: { type: local, profile: ci }\nsteps:\n  - { id: me, task: whoami, connection: ci }\n',
      );
      expect(result.steps[0]?.outputs['account']).toBe('111111111111');
    } finally {
      if (saved === undefined) delete process.env['AWS_SHARED_CREDENTIALS_FILE'];
      else process.env['AWS_SHARED_CREDENTIALS_FILE'] = saved;
    }
  });

  it('--connection overrides the default connection', async () => {
    const result = await runPipeline({
      file: 'pipe.yml',
      source: `connections:
  role: { type: local, assumeRole: { roleArn: "arn:aws:iam::000000000000:role/other" } }
steps:
  - { id: me, task: whoami }
`,
      cwd: tempDir(),
      registry: TEST_REGISTRY,
      endpoint: cloud.url,
      env: {},
      connection: 'role',
    });
    expect(String(result.steps[0]?.outputs['arn'])).toMatch(
      /^arn:aws:sts::000000000000:assumed-role\/other\/lambda-tasks-\d+$/,
    );
  });

  it('fails the step when nothing answers and the local cloud may not be started', async () => {
    const port = await freePort();
    const connections = new Connections(
      {},
      { env: {}, cwd: tempDir(), endpoint: `http://127.0.0.1:${port}`, startLocalCloud: false },
    );
    await expect(connections.resolve('local')).rejects.toMatchObject({
      code: 'ConnectionFailed',
      message: `Connection "local": nothing answers at http://127.0.0.1:${port}.`,
      hint: 'start the local cloud (lambda-tasks cloud) or let lambda-tasks start it',
    });
    await connections.close();
  });

  it('starts the local cloud in-process when nothing listens, keeping state in .lambda-tasks/cloud between runs', async () => {
    const port = await freePort();
    const cwd = tempDir({
      'lambda-tasks.yml': 'steps:\n  - { id: bucket, task: bucket, with: { name: embedded-bucket } }\n',
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const first = await runCommand(runRunCommand, ['--endpoint', endpoint], { cwd });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`00:00:00 started the local cloud at ${endpoint} (state in .lambda-tasks/cloud)\n`);
    expect(first.stdout).toContain('[bucket] changed: created bucket embedded-bucket');
    expect(existsSync(join(cwd, '.lambda-tasks', 'cloud', 'cloud.db'))).toBe(true);
    // Closed at the end of the run: the next run starts it again and finds the bucket.
    const second = await runCommand(runRunCommand, [], { cwd, env: { AWS_ENDPOINT_URL: endpoint } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('started the local cloud');
    expect(second.stdout).toContain('[bucket] unchanged: bucket embedded-bucket already exists');
  });
});
