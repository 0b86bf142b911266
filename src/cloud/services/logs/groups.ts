/** Log groups: create, delete, describe, retention policies and tags. */
import type {
  CreateLogGroupRequest,
  DeleteLogGroupRequest,
  DeleteRetentionPolicyRequest,
  DescribeLogGroupsRequest,
  DescribeLogGroupsResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTagsLogGroupRequest,
  ListTagsLogGroupResponse,
  LogGroup,
  LogGroupClass,
  PutLogGroupDeletionProtectionRequest,
  PutRetentionPolicyRequest,
  TagLogGroupRequest,
  TagResourceRequest,
  UntagLogGroupRequest,
  UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../../errors.js';
import type { Handler, RequestContext } from '../../service.js';
import { checkGroupName, constraintViolation, groupExists, groupNotFound, invalidParameter } from './errors.js';
import { groupArn, type LogsService, nameFromArn, type Scope } from './logs-service.js';
import type { LogGroupRow } from './state.js';
import { decodeToken, encodeToken } from './tokens.js';

/** The only retention periods AWS accepts, in days. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const MAX_TAGS = 50;

export function describeGroup(scope: Scope, group: LogGroupRow, storedBytes: number): LogGroup {
  const arn = groupArn(scope, group.name);
  return {
    logGroupName: group.name,
    creationTime: group.created_at,
    ...(group.retention_days !== null ? { retentionInDays: group.retention_days } : {}),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes,
    ...(group.kms_key_id !== null ? { kmsKeyId: group.kms_key_id } : {}),
    logGroupClass: group.log_group_class as LogGroupClass,
    logGroupArn: arn,
    // Said only when on, like the other optional members.
    ...(group.deletion_protection ? { deletionProtectionEnabled: true } : {}),
  };
}

function tagsOf(group: LogGroupRow): Record<string, string> {
  return JSON.parse(group.tags) as Record<string, string>;
}

export function groupHandlers(service: LogsService): Record<string, Handler> {
  const { state } = service;

  function addTags(group: LogGroupRow, tags: Record<string, string>): void {
    const merged = { ...tagsOf(group), ...tags };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw new AwsError('TooManyTagsException', `A resource can have no more than ${MAX_TAGS} tags.`);
    }
    state.setTags(group.id, merged);
  }

  function removeTags(group: LogGroupRow, keys: string[]): void {
    const tags = tagsOf(group);
    for (const key of keys) delete tags[key];
    state.setTags(group.id, tags);
  }

  /** TagResource and friends name the group by its logGroupArn (the model's pattern refuses a trailing `:*`). */
  function groupByArn(ctx: RequestContext, arn: string): LogGroupRow {
    const name = nameFromArn(ctx, arn, 'resourceArn');
    if (name === undefined) throw groupNotFound();
    return service.group(ctx, name, 'resourceArn');
  }

  return {
    CreateLogGroup(input: CreateLogGroupRequest, ctx: RequestContext): Record<string, never> {
      const name = input.logGroupName as string;
      checkGroupName(name);
      const created = state.createGroup(ctx.accountId, ctx.region, name, service.now(), {
        kmsKeyId: input.kmsKeyId,
        logGroupClass: input.logGroupClass,
        ...(input.tags ? { tags: input.tags } : {}),
        deletionProtection: input.deletionProtectionEnabled,
      });
      if (!created) throw groupExists();
      return {};
    },

    DeleteLogGroup(input: DeleteLogGroupRequest, ctx: RequestContext): Record<string, never> {
      const group = service.group(ctx, input.logGroupName as string);
      if (group.deletion_protection) {
        // (A ValidationException, as AWS documents it, unlike the service's other parameter errors.)
        throw new AwsError(
          'ValidationException',
          'Cannot delete log group with deletion protection enabled. Disable deletion protection first.',
        );
      }
      state.deleteGroup(group.id);
      return {};
    },

    PutLogGroupDeletionProtection(
      input: PutLogGroupDeletionProtectionRequest,
      ctx: RequestContext,
    ): Record<string, never> {
      const group = service.groupFor(ctx, { logGroupIdentifier: input.logGroupIdentifier });
      state.setDeletionProtection(group.id, input.deletionProtectionEnabled === true);
      return {};
    },

    DescribeLogGroups(input: DescribeLogGroupsRequest, ctx: RequestContext): DescribeLogGroupsResponse {
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      }
      const after = input.nextToken ? (decodeToken('groups', input.nextToken, ['string'])[0] as string) : undefined;
      const names = input.logGroupIdentifiers?.flatMap((id) => {
        const name = id.startsWith('arn:') ? nameFromArn(ctx, id, 'logGroupIdentifiers') : id;
        return name === undefined ? [] : [name];
      });
      for (const group of state.groupsWithRetention(ctx.accountId, ctx.region)) service.applyRetention(group);
      const limit = input.limit ?? 50;
      const rows = state.listGroups({
        accountId: ctx.accountId,
        region: ctx.region,
        prefix: input.logGroupNamePrefix,
        // An empty pattern matches every name, as no pattern does.
        pattern: input.logGroupNamePattern || undefined,
        names,
        logGroupClass: input.logGroupClass,
        after,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        logGroups: page.map((row) => describeGroup(ctx, row, row.stored_bytes)),
        ...(rows.length > limit && last ? { nextToken: encodeToken('groups', [last.name]) } : {}),
      };
    },

    PutRetentionPolicy(input: PutRetentionPolicyRequest, ctx: RequestContext): Record<string, never> {
      const days = input.retentionInDays as number;
      if (!RETENTION_DAYS.includes(days)) {
        throw constraintViolation(
          'retentionInDays',
          days,
          `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
        );
      }
      const group = service.group(ctx, input.logGroupName as string);
      state.setRetention(group.id, days);
      service.applyRetention({ id: group.id, retention_days: days });
      return {};
    },

    DeleteRetentionPolicy(input: DeleteRetentionPolicyRequest, ctx: RequestContext): Record<string, never> {
      state.setRetention(service.group(ctx, input.logGroupName as string).id, null);
      return {};
    },

    TagLogGroup(input: TagLogGroupRequest, ctx: RequestContext): Record<string, never> {
      addTags(service.group(ctx, input.logGroupName as string), input.tags ?? {});
      return {};
    },

    UntagLogGroup(input: UntagLogGroupRequest, ctx: RequestContext): Record<string, never> {
      removeTags(service.group(ctx, input.logGroupName as string), input.tags ?? []);
      return {};
    },

    ListTagsLogGroup(input: ListTagsLogGroupRequest, ctx: RequestContext): ListTagsLogGroupResponse {
      return { tags: tagsOf(service.group(ctx, input.logGroupName as string)) };
    },

    TagResource(input: TagResourceRequest, ctx: RequestContext): Record<string, never> {
      addTags(groupByArn(ctx, input.resourceArn as string), input.tags ?? {});
      return {};
    },

    UntagResource(input: UntagResourceRequest, ctx: RequestContext): Record<string, never> {
      removeTags(groupByArn(ctx, input.resourceArn as string), input.tagKeys ?? []);
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceRequest, ctx: RequestContext): ListTagsForResourceResponse {
      return { tags: tagsOf(groupByArn(ctx, input.resourceArn as string)) };
    },
  };
}
