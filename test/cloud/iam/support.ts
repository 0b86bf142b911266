/** Shared documents and helpers for the IAM end-to-end tests. */
import { CreateRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { randomName } from '../../helpers/cloud.js';

export const ACCOUNT = '000000000000';
export const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** A trust policy letting a service assume the role. */
export function trustPolicy(service = 'lambda.amazonaws.com'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}

/** An identity policy allowing `actions` on every resource. */
export function allowPolicy(...actions: string[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
}

/**
 * The URL encoding IAM applies to documents it returns (RFC 3986: everything but unreserved
 * characters is escaped, spaces as %20). The JavaScript SDK hands the encoded text to callers.
 */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Creates a role with a random name (and the given path) trusted by Lambda. */
export async function newRole(iam: IAMClient, path?: string): Promise<string> {
  const RoleName = randomName('role');
  await iam.send(new CreateRoleCommand({ RoleName, Path: path, AssumeRolePolicyDocument: trustPolicy() }));
  return RoleName;
}
