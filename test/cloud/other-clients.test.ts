/** Wire compatibility with the other AWS clients: the AWS CLI v1 and boto3 (both botocore). */

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AWS_CLI_ENV, awsCli } from '../helpers/aws-cli.js';
import { randomName, useCloud } from '../helpers/cloud.js';

const run = promisify(execFile);
const t = useCloud();
const work = mkdtempSync(join(tmpdir(), 'lambda-tasks-clients-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = awsCli(() => t.url);
const aws = async (...args: string[]) => (await cli.run('--output', 'json', ...args)).stdout;

describe('AWS CLI v1', () => {
  it('sts get-caller-identity', async () => {
    expect(JSON.parse(await aws('sts', 'get-caller-identity'))).toMatchObject({ Account: '000000000000' });
  });

  it('s3 mb, cp up and down (single and multipart), ls, s3api list-objects-v2, rm, rb', async () => {
    const bucket = randomName('cli');
    await aws('s3', 'mb', `s3://${bucket}`);
    const small = join(work, 'small.txt');
    writeFileSync(small, 'hello from the aws cli\n');
    const large = join(work, 'large.bin');
    // 9 MiB: above the CLI's 8 MiB multipart threshold.
    writeFileSync(large, Buffer.alloc(9 * 1024 * 1024, 7));
    await aws('s3', 'cp', small, `s3://${bucket}/docs/small.txt`);
    await aws('s3', 'cp', large, `s3://${bucket}/large.bin`);
    const listed = JSON.parse(await aws('s3api', 'list-objects-v2', '--bucket', bucket)) as {
      Contents: { Key: string; Size: number; ETag: string }[];
    };
    expect(listed.Contents.map((c) => [c.Key, c.Size])).toEqual([
      ['docs/small.txt', 23],
      ['large.bin', 9 * 1024 * 1024],
    ]);
    expect(listed.Contents[1]?.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const ls = await cli.run('s3', 'ls', `s3://${bucket}/docs/`);
    expect(ls.stdout).toMatch(/\s23 small\.txt\n$/);
    const down = join(work, 'down.txt');
    await aws('s3', 'cp', `s3://${bucket}/docs/small.txt`, down);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(down, 'utf8')).toBe('hello from the aws cli\n');
    await aws('s3', 'rm', `s3://${bucket}`, '--recursive');
    await aws('s3', 'rb', `s3://${bucket}`);
  });

  it('reports S3 errors with their codes', async () => {
    const error = await cli.failure(
      's3api',
      'get-object',
      '--bucket',
      randomName('none'),
      '--key',
      'k',
      join(work, 'x'),
    );
    expect(error.code).toBe(255);
    expect(error.stderr).toContain('An error occurred (NoSuchBucket) when calling the GetObject operation');
  });
});

describe('boto3', () => {
  it('creates, uploads, lists, downloads, presigns and assumes a role', async () => {
    const script = `
import json, sys, urllib.request, boto3
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
session = boto3.session.Session(aws_access_key_id='test', aws_secret_access_key='test', region_name='us-east-1')
s3 = session.client('s3', endpoint_url=endpoint, config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key='a/one.txt', Body=b'one', Metadata={'owner': 'boto3'}, ContentType='text/plain')
s3.put_object(Bucket=bucket, Key='a/two.txt', Body=b'two')
s3.put_object(Bucket=bucket, Key='b/three.txt', Body=b'three')
page = s3.list_objects_v2(Bucket=bucket, Delimiter='/')
head = s3.head_object(Bucket=bucket, Key='a/one.txt')
body = s3.get_object(Bucket=bucket, Key='a/one.txt')['Body'].read().decode()
url = s3.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'b/three.txt'}, ExpiresIn=60)
presigned = urllib.request.urlopen(url).read().decode()
try:
    s3.get_object(Bucket=bucket, Key='missing')
    missing = None
except s3.exceptions.NoSuchKey as e:
    missing = e.response['Error']['Code']
sts = session.client('sts', endpoint_url=endpoint)
role = sts.assume_role(RoleArn='arn:aws:iam::000000000000:role/boto', RoleSessionName='py')['Credentials']
assumed = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=role['AccessKeyId'],
    aws_secret_access_key=role['SecretAccessKey'], aws_session_token=role['SessionToken']).get_caller_identity()
print(json.dumps({
  'prefixes': [p['Prefix'] for p in page.get('CommonPrefixes', [])],
  'metadata': head['Metadata'], 'contentType': head['ContentType'], 'body': body, 'presigned': presigned,
  'missing': missing, 'assumed': assumed['Arn'],
}))
`;
    const bucket = randomName('boto');
    const { stdout } = await run('python3', ['-c', script, t.url, bucket], { env: AWS_CLI_ENV });
    expect(JSON.parse(stdout)).toEqual({
      prefixes: ['a/', 'b/'],
      metadata: { owner: 'boto3' },
      contentType: 'text/plain',
      body: 'one',
      presigned: 'three',
      missing: 'NoSuchKey',
      assumed: 'arn:aws:sts::000000000000:assumed-role/boto/py',
    });
  });
});
