/** NextToken for SNS's lists: the last ARN of the page, opaque to callers. */
import { invalidParameter } from './errors.js';

export function encodeToken(lastArn: string): string {
  return Buffer.from(lastArn).toString('base64url');
}

export function decodeToken(token: string | undefined): string {
  if (token === undefined || token === '') return '';
  const arn = Buffer.from(token, 'base64url').toString('utf8');
  if (!arn.startsWith('arn:')) throw invalidParameter('NextToken');
  return arn;
}
