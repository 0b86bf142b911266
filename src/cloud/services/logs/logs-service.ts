/**
 * What the Logs handlers share: finding a group (by name or ARN) or stream in the caller's account
 * and region, applying retention on the way, and the ARNs AWS reports.
 */
import { AwsError } from '../../errors.js';
import type { RequestContext } from '../../service.js';
import { checkGroupName, groupNotFound, invalidParameter, streamNotFound } from './errors.js';
import { DAY_MS, type LogGroupRow, type LogStreamRow, type LogsState } from './state.js';

export interface Scope {
  accountId: string;
  region: string;
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>`: LogGroup's logGroupArn (its `arn` adds `:*`). */
export function groupArn(scope: Scope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${name}`;
}

export function streamArn(scope: Scope, group: string, stream: string): string {
  return `${groupArn(scope, group)}:log-stream:${stream}`;
}

// The logGroupArn form only: the model's patterns refuse the `arn` form's trailing `:*` first.
const GROUP_ARN = /^arn:aws[\w-]*:logs:([^:]*):([^:]*):log-group:([^:]+)$/;

/**
 * The group name a log-group ARN names, or undefined when it is another account's or region's
 * (cross-account access needs monitoring links this cloud does not have, so those are not found).
 */
export function nameFromArn(scope: Scope, arn: string, member: string): string | undefined {
  const match = GROUP_ARN.exec(arn);
  if (!match) throw invalidParameter(`Invalid ${member}: ${arn} is not a log group ARN.`);
  const [, region, accountId, name] = match as unknown as [string, string, string, string];
  return region === scope.region && accountId === scope.accountId ? name : undefined;
}

export class LogsService {
  constructor(
    readonly state: LogsState,
    readonly now: () => number,
  ) {}

  /** The caller's group of that name, with events past its retention dropped. */
  group(ctx: RequestContext, name: string, member = 'logGroupName'): LogGroupRow {
    checkGroupName(name, member);
    const group = this.state.getGroup(ctx.accountId, ctx.region, name);
    if (!group) throw groupNotFound();
    this.applyRetention(group);
    return group;
  }

  /** The group named by exactly one of logGroupName and logGroupIdentifier (a name or an ARN). */
  groupFor(
    ctx: RequestContext,
    input: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined },
  ): LogGroupRow {
    const { logGroupName, logGroupIdentifier } = input;
    if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
      // (AWS answers this one as a ValidationException, unlike its other parameter errors.)
      throw new AwsError('ValidationException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    if (logGroupName !== undefined) return this.group(ctx, logGroupName);
    if (logGroupIdentifier === undefined) {
      throw invalidParameter('Either logGroupName or logGroupIdentifier must be specified.');
    }
    if (!logGroupIdentifier.startsWith('arn:')) return this.group(ctx, logGroupIdentifier, 'logGroupIdentifier');
    const name = nameFromArn(ctx, logGroupIdentifier, 'logGroupIdentifier');
    if (name === undefined) throw groupNotFound();
    return this.group(ctx, name, 'logGroupIdentifier');
  }

  stream(group: LogGroupRow, name: string): LogStreamRow {
    const stream = this.state.getStream(group.id, name);
    if (!stream) throw streamNotFound();
    return stream;
  }

  /** The oldest timestamp a group still keeps (0 without a retention policy). */
  retentionCutoff(retentionDays: number | null): number {
    return retentionDays === null ? 0 : this.now() - retentionDays * DAY_MS;
  }

  applyRetention(group: { id: number; retention_days: number | null }): void {
    if (group.retention_days !== null) this.state.purgeExpired(group.id, this.retentionCutoff(group.retention_days));
  }
}
