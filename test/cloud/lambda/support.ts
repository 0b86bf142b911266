/** Lambda test support: creating a function and waiting for it to be Active, as most tests begin. */
import { CreateFunctionCommand, type LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { randomName } from '../../helpers/cloud.js';
import { TEST_ROLE, type ZipEntry, zip } from '../../helpers/zip.js';

/** Short waiter delays: the test clouds keep functions Pending for tens of milliseconds. */
export const WAIT = { maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 };

/**
 * Creates a function (nodejs20.x, `index.handler`, unless `options` say otherwise) from a zip or
 * the files to zip, waits until it is Active, and returns its name.
 */
export async function deployFunction(
  lambda: LambdaClient,
  code: Buffer | Record<string, ZipEntry>,
  options: Record<string, unknown> = {},
): Promise<string> {
  const name = randomName('fn');
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: TEST_ROLE,
      Code: { ZipFile: Buffer.isBuffer(code) ? code : await zip(code) },
      ...options,
    }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: name });
  return name;
}
