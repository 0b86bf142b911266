/**
 * AddPermission and RemovePermission: statements in the queue's Policy attribute, labelled by Sid,
 * written in the form AWS writes them. Policies are stored, not enforced.
 */
import type { AddPermissionRequest, RemovePermissionRequest } from '@aws-sdk/client-sqs';
import type { Handler, RequestContext } from '../../service.js';
import { invalidParameter } from './errors.js';
import { queueAttributesOf } from './message-store.js';
import { required } from './required.js';
import type { SqsService } from './sqs-service.js';
import type { QueueRow } from './state.js';

interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: { Sid?: string }[];
}

/** One item as is, several as a list, as AWS writes policy members. */
function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : values;
}

export function permissionHandlers(service: SqsService): Record<string, Handler> {
  const policyOf = (queue: QueueRow): PolicyDocument => {
    const raw = queueAttributesOf(queue)['Policy'];
    const parsed = raw ? (JSON.parse(raw) as Partial<PolicyDocument>) : {};
    return {
      Version: parsed.Version ?? '2012-10-17',
      Id: parsed.Id ?? `${queue.arn}/SQSDefaultPolicy`,
      Statement: Array.isArray(parsed.Statement) ? parsed.Statement : [],
    };
  };
  const save = (queue: QueueRow, policy: PolicyDocument) => {
    const attributes = { ...queueAttributesOf(queue) };
    if (policy.Statement.length === 0) delete attributes['Policy'];
    else attributes['Policy'] = JSON.stringify(policy);
    service.state.setAttributes(queue.id, JSON.stringify(attributes), service.now());
  };

  return {
    AddPermission(input: AddPermissionRequest, ctx: RequestContext) {
      const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
      const label = required(input.Label, 'Label');
      const accounts = required(input.AWSAccountIds, 'AWSAccountIds');
      const actions = required(input.Actions, 'Actions');
      const policy = policyOf(queue);
      if (policy.Statement.some((statement) => statement.Sid === label)) {
        throw invalidParameter('Label', label, 'Already exists.');
      }
      policy.Statement.push({
        Sid: label,
        Effect: 'Allow',
        Principal: { AWS: oneOrMany(accounts.map((account) => `arn:aws:iam::${account}:root`)) },
        Action: oneOrMany(actions.map((action) => `SQS:${action}`)),
        Resource: queue.arn,
      } as { Sid: string });
      save(queue, policy);
      return {};
    },
    RemovePermission(input: RemovePermissionRequest, ctx: RequestContext) {
      const queue = service.queue(ctx, required(input.QueueUrl, 'QueueUrl'));
      const label = required(input.Label, 'Label');
      const policy = policyOf(queue);
      const kept = policy.Statement.filter((statement) => statement.Sid !== label);
      if (kept.length === policy.Statement.length) throw invalidParameter('Label', label, "can't find label.");
      save(queue, { ...policy, Statement: kept });
      return {};
    },
  };
}
