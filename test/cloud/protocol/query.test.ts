/** awsQuery on the wire (STS): form parsing, the XML envelope, and the query error shape. */
import { describe, expect, it } from 'vitest';
import { useCloud } from '../../helpers/cloud.js';
import { signedPost } from '../../helpers/signed-fetch.js';

const t = useCloud();

async function post(body: string): Promise<{ status: number; text: string; requestId: string | null }> {
  const response = await signedPost(t.url, 'sts', { 'content-type': 'application/x-www-form-urlencoded' }, body);
  return { status: response.status, text: await response.text(), requestId: response.headers.get('x-amzn-requestid') };
}

describe('awsQuery', () => {
  it('wraps results in <ActionResponse><ActionResult> with ResponseMetadata', async () => {
    const r = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>000000000000</UserId><Account>000000000000</Account><Arn>arn:aws:iam::000000000000:root</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>${r.requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  it('answers an unknown action with InvalidAction in the query error shape', async () => {
    const r = await post('Action=MakeCoffee&Version=2011-06-15');
    expect(r.status).toBe(400);
    expect(r.text).toBe(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The action MakeCoffee is not valid for this web service.</Message></Error><RequestId>${r.requestId}</RequestId></ErrorResponse>`,
    );
  });

  it('reports a missing required parameter as a validation error', async () => {
    const r = await post('Action=AssumeRole&Version=2011-06-15&RoleSessionName=abc');
    expect(r.status).toBe(400);
    expect(r.text).toContain('<Code>ValidationError</Code>');
    expect(r.text).toContain("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  });
});
