/**
 * A request for an AWS service the local cloud does not serve is answered in that request's own
 * protocol family with an error that names the service and lists the ones served, instead of
 * falling through to S3 (which used to answer `aws secretsmanager list-secrets` with S3's
 * MethodNotAllowed XML).
 */
import { describe, expect, it } from 'vitest';
import { awsCli } from '../helpers/aws-cli.js';
import { useCloud } from '../helpers/cloud.js';

const t = useCloud();
const aws = awsCli(() => t.url);

describe('a service the local cloud does not serve', () => {
  it.each([
    ['awsJson (X-Amz-Target)', ['secretsmanager', 'list-secrets'], 'secretsmanager'],
    ['awsQuery (form)', ['autoscaling', 'describe-auto-scaling-groups'], 'autoscaling'],
    ['restXml', ['route53', 'list-hosted-zones'], 'route53'],
  ])('%s: the error names the service and lists the served ones', async (_protocol, args, service) => {
    const { code, stderr } = await aws.failure(...args);
    expect(code).not.toBe(0);
    expect(stderr).toContain('NotImplemented');
    expect(stderr).toContain(`lambda-tasks does not serve the AWS service "${service}"`);
    expect(stderr).toMatch(/The local cloud serves: .*kinesis.*lambda.*s3.*sqs/);
  });

  it('still routes the services it serves', async () => {
    expect(await aws.json('s3api', 'list-buckets')).toMatchObject({ Buckets: expect.any(Array) });
  });
});
