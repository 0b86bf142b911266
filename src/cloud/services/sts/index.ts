/**
 * AWS STS (awsQuery, 2011-06-15): who the caller is, and temporary credentials. Issued
 * credentials are stored by the credential registry and authenticate later calls (with their
 * session token) until they expire.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  AssumeRoleRequest,
  AssumeRoleResponse,
  GetCallerIdentityResponse,
  GetSessionTokenRequest,
  GetSessionTokenResponse,
} from '@aws-sdk/client-sts';
import type { CloudContext } from '../../context.js';
import { AwsError } from '../../errors.js';
import type { RequestContext, ServiceDefinition } from '../../service.js';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(prefix: string): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (let i = 0; id.length < 20; i++) id += KEY_ALPHABET[(bytes[i] as number) % 32];
  return id;
}

/** A stable unique id for a principal name (AWS's AROA... / AIDA... ids). */
function principalId(prefix: string, name: string): string {
  const digest = createHash('sha256').update(name).digest();
  let id = prefix;
  for (let i = 0; id.length < 21; i++) id += KEY_ALPHABET[(digest[i] as number) % 32];
  return id;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]+\/)?([\w+=,.@-]+)$/;

/** What STS reads of IAM: the role an ARN names, if the account created it. */
export interface RoleDirectory {
  roleByArn(arn: string): { roleId: string; maxSessionDuration: number } | undefined;
}

/**
 * `roles` gives an assumed role's real unique id (AROA...) and its MaxSessionDuration. A role
 * IAM does not know is still assumed (the local cloud authenticates, it does not authorize), with
 * an id derived from its name.
 */
export function createSts(context: CloudContext, roles: RoleDirectory): ServiceDefinition {
  function issue(accountId: string, principalArn: string, durationSeconds: number, principalId?: string) {
    const expiresAt = context.now() + durationSeconds * 1000;
    const credentials = {
      accessKeyId: randomKeyId('ASIA'),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString('base64')}`,
      accountId,
      principalArn,
      expiresAt,
      principalId,
    };
    context.credentials.addSession(credentials);
    return {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(expiresAt),
    };
  }

  return {
    model: 'sts',
    signingNames: ['sts'],
    handlers: {
      GetCallerIdentity(_input: unknown, ctx: RequestContext): GetCallerIdentityResponse {
        const principal = ctx.credentials?.principalArn;
        // An IAM user's key (or a session it started) carries the user's own id (AIDA...), a role
        // session `<RoleId>:<session name>`.
        const userId = ctx.credentials?.principalId;
        if (principal && userId) return { UserId: userId, Account: ctx.accountId, Arn: principal };
        if (principal) {
          const assumed = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(principal);
          return {
            UserId: assumed
              ? `${principalId('AROA', assumed[1] as string)}:${assumed[2]}`
              : principalId('AIDA', principal),
            Account: ctx.accountId,
            Arn: principal,
          };
        }
        return { UserId: ctx.accountId, Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root` };
      },

      AssumeRole(input: AssumeRoleRequest): AssumeRoleResponse {
        const roleArn = input.RoleArn as string;
        const match = ROLE_ARN.exec(roleArn);
        if (!match) throw new AwsError('ValidationError', `${roleArn} is invalid`);
        const [, accountId, roleName] = match as unknown as [string, string, string];
        const session = input.RoleSessionName as string;
        const arn = `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`;
        const role = roles.roleByArn(roleArn);
        const duration = input.DurationSeconds ?? 3600;
        if (role && duration > role.maxSessionDuration) {
          throw new AwsError(
            'ValidationError',
            'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
          );
        }
        // The session's caller identity (GetCallerIdentity's UserId) is `<RoleId>:<session name>`.
        const assumedRoleId = `${role?.roleId ?? principalId('AROA', roleName)}:${session}`;
        return {
          Credentials: issue(accountId, arn, duration, assumedRoleId),
          AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn },
          PackedPolicySize: input.Policy ? Math.min(100, Math.ceil(input.Policy.length / 20)) : undefined,
        };
      },

      GetSessionToken(input: GetSessionTokenRequest, ctx: RequestContext): GetSessionTokenResponse {
        if (ctx.credentials?.sessionToken) {
          throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
        }
        // The session acts as the user whose key asked for it (or as the account root).
        const caller = ctx.credentials;
        const arn = caller?.principalArn ?? `arn:aws:iam::${ctx.accountId}:root`;
        return { Credentials: issue(ctx.accountId, arn, input.DurationSeconds ?? 43200, caller?.principalId) };
      },
    },
  };
}
