/**
 * Access keys: long-term key pairs of a user (or of the account root). A key is accepted for
 * SigV4 as soon as CreateAccessKey answers, as its user (the caller identity STS reports), until
 * it is made Inactive or deleted: the credential registry asks `accessKeySource` on each request.
 */
import { randomBytes } from 'node:crypto';
import type {
  AccessKey,
  AccessKeyMetadata,
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  GetAccessKeyLastUsedRequest,
  GetAccessKeyLastUsedResponse,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from '@aws-sdk/client-iam';
import type { Caller, KeySource } from '../../credentials.js';
import type { RequestContext } from '../../service.js';
import { apiDate, callerArn, indexKey, paginate, uniqueId, userArn } from './common.js';
import { IamErrors, IamMessages } from './errors.js';
import { callerUserName, type IamService } from './iam-service.js';
import type { AccessKeyRecord } from './key-state.js';
import { LastUseRecorder } from './last-use.js';

/** Access keys one user may have (AWS's fixed quota). */
const ACCESS_KEYS_PER_USER = 2;

export function accessKeyHandlers(iam: IamService) {
  const { keys, state } = iam;

  /**
   * Whose keys a call is about: `UserName` when given, else the calling user, else the account
   * root's own keys (undefined). A role's session must name a user.
   */
  function owner(ctx: RequestContext, userName: string | undefined): string | undefined {
    if (userName !== undefined) return iam.user(ctx.accountId, userName).name;
    const caller = callerUserName(ctx);
    if (caller !== undefined) return iam.user(ctx.accountId, caller).name;
    if (ctx.credentials?.principalArn) throw IamErrors.userNameRequired();
    return undefined;
  }

  /** The key, if `owner` has it. */
  function ownedKey(ctx: RequestContext, userName: string | undefined, accessKeyId: string): AccessKeyRecord {
    const name = owner(ctx, userName);
    const key = keys.getAccessKey(accessKeyId);
    if (!key || key.accountId !== ctx.accountId || key.userName?.toLowerCase() !== name?.toLowerCase()) {
      throw IamErrors.noSuchAccessKey(accessKeyId);
    }
    return key;
  }

  const metadata = (key: AccessKeyRecord): AccessKeyMetadata => ({
    ...(key.userName !== undefined ? { UserName: key.userName } : {}),
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    CreateDate: apiDate(key.createdAt),
  });

  return {
    CreateAccessKey(input: CreateAccessKeyRequest, ctx: RequestContext): CreateAccessKeyResponse {
      return state.transaction(() => {
        const userName = owner(ctx, input.UserName);
        if (keys.accessKeysOf(ctx.accountId, userName).length >= ACCESS_KEYS_PER_USER) {
          throw IamErrors.limitExceeded(IamMessages.accessKeysPerUser);
        }
        const key: AccessKeyRecord = {
          accessKeyId: uniqueId('AKIA', 20),
          accountId: ctx.accountId,
          userName,
          // 40 characters of base64, like AWS's secrets.
          secretAccessKey: randomBytes(30).toString('base64'),
          status: 'Active',
          createdAt: iam.now(),
          lastUsed: undefined,
        };
        keys.insertAccessKey(key);
        // The model requires UserName; a root key has none, and AWS leaves it out then.
        return { AccessKey: { ...metadata(key), SecretAccessKey: key.secretAccessKey } as AccessKey };
      });
    },

    ListAccessKeys(input: ListAccessKeysRequest, ctx: RequestContext): ListAccessKeysResponse {
      const page = paginate(keys.accessKeysOf(ctx.accountId, owner(ctx, input.UserName)), indexKey, input);
      return { AccessKeyMetadata: page.items.map(metadata), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    UpdateAccessKey(input: UpdateAccessKeyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const key = ownedKey(ctx, input.UserName, input.AccessKeyId as string);
        keys.setAccessKeyStatus(key.accessKeyId, input.Status as AccessKeyRecord['status']);
      });
      return {};
    },

    DeleteAccessKey(input: DeleteAccessKeyRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const key = ownedKey(ctx, input.UserName, input.AccessKeyId as string);
        keys.deleteAccessKey(key.accessKeyId);
      });
      return {};
    },

    GetAccessKeyLastUsed(input: GetAccessKeyLastUsedRequest, ctx: RequestContext): GetAccessKeyLastUsedResponse {
      const id = input.AccessKeyId as string;
      const key = keys.getAccessKey(id);
      // A key that does not exist is refused as another account's key is: the caller may not see it.
      if (!key || key.accountId !== ctx.accountId) throw IamErrors.accessKeyNotVisible(callerArn(ctx), id);
      const used = key.lastUsed;
      return {
        ...(key.userName !== undefined ? { UserName: key.userName } : {}),
        // AWS reports N/A for a key never used.
        AccessKeyLastUsed: used
          ? { LastUsedDate: apiDate(used.at), ServiceName: used.service, Region: used.region }
          : { ServiceName: 'N/A', Region: 'N/A' },
      } as GetAccessKeyLastUsedResponse;
    },
  };
}

/** The accepted key pairs of IAM users (and account roots), for the credential registry. */
export function accessKeySource(iam: IamService): KeySource {
  const keyUses = new LastUseRecorder();
  const roleUses = new LastUseRecorder();
  return {
    lookup(accessKeyId: string): Caller | undefined {
      const key = iam.keys.getAccessKey(accessKeyId);
      if (key?.status !== 'Active') return undefined;
      const base = { accessKeyId, secretAccessKey: key.secretAccessKey, accountId: key.accountId };
      if (key.userName === undefined) return base;
      const user = iam.users.getUser(key.accountId, key.userName);
      if (!user) return undefined;
      return { ...base, principalArn: userArn(user.accountId, user.path, user.name), principalId: user.userId };
    },
    recordUse(accessKeyId, service, region) {
      const at = iam.now();
      return keyUses.record(accessKeyId, at, `${service}|${region}`, () =>
        iam.keys.recordUse(accessKeyId, at, service, region),
      );
    },
    /** A role's session signed a request: GetRole's RoleLastUsed (date and region). */
    recordSessionUse(principalArn, region) {
      const assumed = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principalArn);
      if (!assumed) return;
      const [, accountId, roleName] = assumed as unknown as [string, string, string];
      const at = iam.now();
      roleUses.record(`${accountId}/${roleName.toLowerCase()}`, at, region, () =>
        iam.state.recordRoleUse(accountId, roleName, at, region),
      );
    },
  };
}
