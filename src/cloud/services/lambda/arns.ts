/**
 * Function names as the Lambda API accepts them: a name, a name with `:qualifier`, a partial ARN
 * (`123456789012:function:name`) or a full ARN, each optionally qualified; plus the ARNs the API
 * returns.
 */
import { AwsError } from '../../errors.js';
import type { FunctionKey } from './state.js';

export interface FunctionRef extends FunctionKey {
  /** The qualifier from the name or the Qualifier parameter (which must agree). */
  qualifier: string | undefined;
}

const FULL_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;
const NAME = /^([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;

export function parseFunctionName(
  functionName: string,
  qualifier: string | undefined,
  ctx: { accountId: string; region: string },
): FunctionRef {
  let accountId = ctx.accountId;
  let region = ctx.region;
  let name: string | undefined;
  let fromName: string | undefined;
  const full = FULL_ARN.exec(functionName);
  const partial = full ? undefined : PARTIAL_ARN.exec(functionName);
  const plain = full || partial ? undefined : NAME.exec(functionName);
  if (full) [, region = region, accountId = accountId, name, fromName] = full;
  else if (partial) [, accountId = accountId, name, fromName] = partial;
  else if (plain) [, name, fromName] = plain;
  if (!name) {
    throw new AwsError('InvalidParameterValueException', `Invalid function name or ARN: ${functionName}`);
  }
  if (fromName !== undefined && qualifier !== undefined && fromName !== qualifier) {
    throw new AwsError(
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  if (region !== ctx.region) {
    throw new AwsError(
      'InvalidParameterValueException',
      `Functions from '${region}' are not reachable in this region ('${ctx.region}')`,
    );
  }
  return { accountId, region, name, qualifier: fromName ?? qualifier };
}

export function functionArn(key: FunctionKey, qualifier?: string): string {
  const base = `arn:aws:lambda:${key.region}:${key.accountId}:function:${key.name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

export function layerArn(accountId: string, region: string, name: string, version?: number): string {
  const base = `arn:aws:lambda:${region}:${accountId}:layer:${name}`;
  return version === undefined ? base : `${base}:${version}`;
}

const LAYER_VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/;

export function parseLayerVersionArn(
  arn: string,
): { region: string; accountId: string; name: string; version: number } | undefined {
  const m = LAYER_VERSION_ARN.exec(arn);
  if (!m) return undefined;
  const [, region = '', accountId = '', name = '', version = '0'] = m;
  return { region, accountId, name, version: Number(version) };
}

/** Layer names may be given as a name or a layer ARN (unversioned). */
export function parseLayerName(
  layerName: string,
  ctx: { accountId: string; region: string },
): { accountId: string; region: string; name: string } {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/.exec(layerName);
  if (m) return { region: m[1] ?? ctx.region, accountId: m[2] ?? ctx.accountId, name: m[3] ?? layerName };
  return { accountId: ctx.accountId, region: ctx.region, name: layerName };
}
