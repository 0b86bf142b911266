/**
 * What CloudFormation's handlers share: finding stacks by name or id (deleted stacks only by id,
 * as AWS), reading templates from TemplateBody or a TemplateURL in the local S3, preparing
 * deployments, and describing stacks with NoEcho parameters masked.
 */
import { randomUUID } from 'node:crypto';
import type { Parameter, Stack } from '@aws-sdk/client-cloudformation';
import { type PreparedDeployment, prepareDeployment, validationError } from '../../cloudformation/engine/deployment.js';
import type { StackOperations } from '../../cloudformation/engine/operations.js';
import {
  type GivenParameter,
  LANGUAGE_EXTENSIONS,
  MASKED,
  type SnippetReader,
} from '../../cloudformation/template/index.js';
import { processTemplateBody, transformsOf } from '../../cloudformation/transforms/index.js';
import type { CloudContext } from '../../context.js';
import { validationMessage } from '../../errors.js';
import { virtualHostBucket } from '../../routing.js';
import type { RequestContext } from '../../service.js';
import type { S3Service } from '../s3/s3-service.js';
import type { CloudFormationState, Deployment, StackRecord } from './state.js';

/** TemplateBody's limit; a TemplateURL object may be up to 1 MB. */
export const TEMPLATE_BODY_LIMIT = 51_200;
export const TEMPLATE_URL_LIMIT = 1_000_000;
export class CloudFormationService {
  constructor(
    readonly state: CloudFormationState,
    readonly operations: StackOperations,
    readonly context: CloudContext,
    private readonly s3: S3Service,
  ) {}

  now(): number {
    return this.context.now();
  }

  newStackId(ctx: RequestContext, name: string): string {
    return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/${randomUUID()}`;
  }

  newChangeSetId(ctx: RequestContext, name: string): string {
    return `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:changeSet/${name}/${randomUUID()}`;
  }

  /** A stack by name (live only) or by stack id (deleted ones too), in the caller's account and region. */
  findStack(nameOrId: string, ctx: RequestContext): StackRecord | undefined {
    const stack = nameOrId.startsWith('arn:')
      ? this.state.stackById(nameOrId)
      : this.state.stackByName(ctx.accountId, ctx.region, nameOrId);
    if (!stack || stack.accountId !== ctx.accountId || stack.region !== ctx.region) return undefined;
    return stack;
  }

  stack(nameOrId: string | undefined, ctx: RequestContext): StackRecord {
    const stack = nameOrId ? this.findStack(nameOrId, ctx) : undefined;
    if (!stack) throw validationError(`Stack with id ${nameOrId ?? ''} does not exist`);
    return stack;
  }

  /** The live stack an operation acts on: deleted ones do not exist for it. */
  liveStack(nameOrId: string | undefined, ctx: RequestContext): StackRecord {
    const stack = this.stack(nameOrId, ctx);
    if (stack.deletedAt !== undefined) throw validationError(`Stack with id ${nameOrId ?? ''} does not exist`);
    return stack;
  }

  /** The template a request gives, as TemplateBody or TemplateURL (an object of the local S3). */
  templateBody(input: { TemplateBody?: string; TemplateURL?: string }, ctx: RequestContext): string {
    if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) {
      throw validationError('Specify exactly one of TemplateBody and TemplateURL.');
    }
    if (input.TemplateBody !== undefined) {
      if (Buffer.byteLength(input.TemplateBody) > TEMPLATE_BODY_LIMIT) {
        throw validationError(
          validationMessage([
            `Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to ${TEMPLATE_BODY_LIMIT}`,
          ]),
        );
      }
      return input.TemplateBody;
    }
    if (input.TemplateURL === undefined)
      throw validationError('Either Template URL or Template Body must be specified.');
    const location = parseTemplateUrl(input.TemplateURL);
    if (!location) throw validationError('TemplateURL must be a supported URL.');
    return this.readObject(location, ctx.accountId);
  }

  /** A template (or AWS::Include snippet) stored in the local S3, read as `accountId`. */
  private readObject(location: { bucket: string; key: string }, accountId: string): string {
    const bucket = this.s3.state.getBucket(location.bucket);
    if (!bucket || bucket.accountId !== accountId) throw validationError('S3 error: Access Denied');
    const object = this.s3.state.latest(location.bucket, location.key);
    if (!object?.blob || object.deleteMarker) throw validationError('S3 error: The specified key does not exist.');
    if (object.size > TEMPLATE_URL_LIMIT) {
      throw validationError(`Template may not exceed ${TEMPLATE_URL_LIMIT} bytes in size.`);
    }
    return this.s3.blobs.bytes(object.blob).toString('utf8');
  }

  /** How AWS::Include reads its snippets for a stack of `accountId`: `s3://bucket/key` or a URL. */
  snippetReader(accountId: string): SnippetReader {
    return (url) => {
      const s3Uri = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
      const location = s3Uri ? { bucket: s3Uri[1] as string, key: s3Uri[2] as string } : parseTemplateUrl(url);
      if (!location) throw new Error(`${url} is not an S3 location.`);
      if (!this.s3.state.getBucket(location.bucket)) throw new Error(`S3 bucket [${location.bucket}] does not exist.`);
      return this.readObject(location, accountId);
    };
  }

  prepare(
    stack: { accountId: string; region: string; name: string; stackId: string },
    body: string,
    parameters: GivenParameter[],
    previous: Deployment | undefined,
  ): PreparedDeployment {
    const previousValues = previous
      ? Object.fromEntries(previous.parameters.map((p) => [p.ParameterKey, p.ParameterValue]))
      : undefined;
    const identity = {
      accountId: stack.accountId,
      region: stack.region,
      stackName: stack.name,
      stackId: stack.stackId,
    };
    // Transforms (SAM, LanguageExtensions) expand first; the stack keeps the template as given
    // (GetTemplate's Original stage) and expands it again whenever it is prepared.
    const processed = processTemplateBody(body, { ...identity, parameters, previous: previousValues });
    const prepared = prepareDeployment(processed, parameters, previousValues, identity, {
      readSnippet: this.snippetReader(stack.accountId),
      languageExtensions: transformsOf(body).includes(LANGUAGE_EXTENSIONS),
    });
    return processed === body ? prepared : { ...prepared, templateBody: body };
  }

  /** A stored deployment's template as GetTemplate's Processed stage shows it (transforms expanded). */
  processedBody(stack: { accountId: string; region: string; name: string; stackId: string }, deployment: Deployment) {
    return processTemplateBody(deployment.templateBody, {
      accountId: stack.accountId,
      region: stack.region,
      stackName: stack.name,
      stackId: stack.stackId,
      parameters: deployment.parameters,
    });
  }

  /** The prepared form of a stack's current (stored) deployment. */
  prepareCurrent(stack: StackRecord): PreparedDeployment {
    const { deployment } = stack.data;
    return this.prepare(stack, deployment.templateBody, deployment.parameters, undefined);
  }

  describe(stack: StackRecord): Stack {
    const { data } = stack;
    const out: Stack = {
      StackId: stack.stackId,
      StackName: stack.name,
      CreationTime: new Date(stack.createdAt),
      StackStatus: stack.status as Stack['StackStatus'],
      DisableRollback: data.disableRollback,
      NotificationARNs: data.notificationArns,
      Capabilities: data.capabilities as Stack['Capabilities'],
      // A stack without outputs has no Outputs member (not an empty list), as AWS answers.
      ...(data.outputs.length ? { Outputs: data.outputs } : {}),
      Tags: data.tags,
      EnableTerminationProtection: data.terminationProtection,
      Parameters: maskedParameters(data.deployment),
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    };
    if (stack.statusReason) out.StackStatusReason = stack.statusReason;
    if (data.description) out.Description = data.description;
    if (stack.updatedAt !== undefined) out.LastUpdatedTime = new Date(stack.updatedAt);
    if (stack.deletedAt !== undefined) out.DeletionTime = new Date(stack.deletedAt);
    if (data.roleArn) out.RoleARN = data.roleArn;
    if (data.timeoutInMinutes) out.TimeoutInMinutes = data.timeoutInMinutes;
    if (data.changeSetId) out.ChangeSetId = data.changeSetId;
    if (data.parentId) out.ParentId = data.parentId;
    if (data.rootId) out.RootId = data.rootId;
    return out;
  }
}

/** Parameters as responses show them: NoEcho values masked. */
export function maskedParameters(deployment: Deployment): Parameter[] {
  const noEcho = new Set(deployment.noEcho);
  return deployment.parameters.map((p) => ({
    ParameterKey: p.ParameterKey,
    ParameterValue: noEcho.has(p.ParameterKey) ? MASKED : p.ParameterValue,
  }));
}

/** Bucket and key of a TemplateURL: S3 path-style or virtual-hosted, AWS's hosts or the local endpoint. */
export function parseTemplateUrl(url: string): { bucket: string; key: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // AWS takes https URLs only; plain http is the local endpoint's own scheme.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  // Virtual-hosted: AWS's hosts (s3.amazonaws.com, s3.<region>..., the older s3-<region>) and the
  // local endpoint's (bucket.localhost, bucket.s3.localhost), as the server routes them.
  const virtual =
    /^(.+?)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.exec(parsed.hostname)?.[1] ?? virtualHostBucket(parsed.host);
  if (virtual) return path ? { bucket: virtual, key: path } : undefined;
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}
