/**
 * Which service a request is for, from what is known before the body is read: the SigV4 credential
 * scope, `X-Amz-Target`, the query `Action`+`Version`, a virtual-hosted bucket in the Host header,
 * and finally the path. S3 is the fallback, as anonymous S3 requests carry none of the others.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './protocol/codec.js';
import type { ServiceModel } from './protocol/model.js';

export interface RoutableService {
  name: string;
  signingNames: string[];
  model: () => ServiceModel;
}

/** `X-Amz-Target: DynamoDB_20120810.PutItem` -> `DynamoDB_20120810`. */
function targetPrefixOf(headers: IncomingHttpHeaders): string | undefined {
  const target = headerValue(headers, 'x-amz-target');
  return target?.slice(0, target.lastIndexOf('.'));
}

/** The service a request names (SigV4 scope, else X-Amz-Target's prefix), for the error that says it is not served. */
export function requestedService(headers: IncomingHttpHeaders, scopeService: string | undefined): string | undefined {
  return scopeService ?? targetPrefixOf(headers);
}

/** `bucket.localhost:4566` -> `bucket`; IP addresses and bare hostnames -> undefined. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const hostname = host.replace(/:\d+$/, '');
  const match = /^(.+?)\.(?:s3\.)?localhost$/.exec(hostname) ?? /^(.+?)\.s3\.[^.]+(?:\.[^.]+)*$/.exec(hostname);
  if (!match) return undefined;
  const bucket = match[1] as string;
  return bucket === 's3' ? undefined : bucket;
}

export function detectService<S extends RoutableService>(
  services: S[],
  input: { headers: IncomingHttpHeaders; query: [string, string][]; path: string; scopeService?: string | undefined },
): S | undefined {
  const { headers, query, path, scopeService } = input;
  const targetPrefix = targetPrefixOf(headers);
  const byTarget = targetPrefix ? services.find((s) => s.model().metadata.targetPrefix === targetPrefix) : undefined;
  if (scopeService) {
    // DynamoDB Streams is signed as `dynamodb`: the target tells the two apart.
    const bySigning = services.filter((s) => s.signingNames.includes(scopeService));
    if (byTarget && bySigning.includes(byTarget)) return byTarget;
    if (bySigning[0]) return bySigning[0];
    // Signed for a service that is not served here: not S3's to answer.
    return undefined;
  }
  if (byTarget) return byTarget;
  if (targetPrefix) return undefined;
  const version = query.find(([k]) => k === 'Version')?.[1];
  if (version && query.some(([k]) => k === 'Action')) {
    const byVersion = services.find(
      (s) => s.model().metadata.protocol === 'query' && s.model().metadata.apiVersion === version,
    );
    if (byVersion) return byVersion;
  }
  if (path.startsWith('/2015-03-31/') || path.startsWith('/2018-10-31/') || path.startsWith('/2019-09-25/')) {
    const lambda = services.find((s) => s.name === 'lambda');
    if (lambda) return lambda;
  }
  return services.find((s) => s.name === 's3');
}
