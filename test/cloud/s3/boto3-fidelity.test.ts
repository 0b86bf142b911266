/** Wire compatibility with botocore for part reads, conditional writes and Object Lock. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AWS_CLI_ENV } from '../../helpers/aws-cli.js';
import { randomName, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors } from './support.js';

const run = promisify(execFile);
const t = useCloud();
afterAll(() => expectNoInternalErrors(t));

describe('boto3', () => {
  it('reads parts, writes conditionally and locks objects', async () => {
    const script = `
import json, sys, datetime, boto3
from botocore.config import Config
endpoint, plain, locked = sys.argv[1], sys.argv[2], sys.argv[3]
def client(**extra):
    return boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test',
        aws_secret_access_key='test', config=Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}, **extra))
s3 = client()
def code(call):
    try:
        call()
    except s3.exceptions.ClientError as e:
        return [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
s3.create_bucket(Bucket=plain)
s3.put_object(Bucket=plain, Key='k', Body=b'hello')
part = s3.get_object(Bucket=plain, Key='k', PartNumber=1)
s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
put = s3.put_object(Bucket=locked, Key='k', Body=b'x', ObjectLockMode='GOVERNANCE', ObjectLockRetainUntilDate=until)
no_checksum = client(request_checksum_calculation='when_required')
print(json.dumps({
  'part': [part['ResponseMetadata']['HTTPStatusCode'], part['ContentRange'], part['Body'].read().decode()],
  'missing_part': code(lambda: s3.get_object(Bucket=plain, Key='k', PartNumber=2)),
  'if_none_match': code(lambda: s3.put_object(Bucket=plain, Key='k', Body=b'again', IfNoneMatch='*')),
  'lock_config': s3.get_object_lock_configuration(Bucket=locked)['ObjectLockConfiguration'],
  'retention': s3.get_object_retention(Bucket=locked, Key='k')['Retention']['Mode'],
  'delete_locked': code(lambda: s3.delete_object(Bucket=locked, Key='k', VersionId=put['VersionId'])),
  'no_checksum': code(lambda: no_checksum.put_object(Bucket=locked, Key='k2', Body=b'x', ObjectLockLegalHoldStatus='ON')),
}))
`;
    const { stdout } = await run(
      'python3',
      ['-c', script, t.url, randomName('boto-plain'), randomName('boto-locked')],
      {
        env: AWS_CLI_ENV,
      },
    );
    expect(JSON.parse(stdout)).toEqual({
      part: [206, 'bytes 0-4/5', 'hello'],
      missing_part: ['InvalidPartNumber', 416],
      if_none_match: ['PreconditionFailed', 412],
      lock_config: { ObjectLockEnabled: 'Enabled' },
      retention: 'GOVERNANCE',
      delete_locked: ['AccessDenied', 403],
      no_checksum: ['InvalidRequest', 400],
    });
  });
});
