/**
 * Users: create, read (GetUser without a name describes the caller), list, rename, delete, tags,
 * permissions boundaries and login profiles. A user's access keys are access-keys.ts; its
 * policies entity-policies.ts; its groups groups.ts.
 */
import type {
  CreateLoginProfileRequest,
  CreateLoginProfileResponse,
  CreateUserRequest,
  CreateUserResponse,
  DeleteLoginProfileRequest,
  DeleteUserPermissionsBoundaryRequest,
  DeleteUserRequest,
  GetLoginProfileRequest,
  GetLoginProfileResponse,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ListUsersResponse,
  ListUserTagsRequest,
  ListUserTagsResponse,
  LoginProfile,
  PutUserPermissionsBoundaryRequest,
  TagUserRequest,
  UntagUserRequest,
  UpdateLoginProfileRequest,
  UpdateUserRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { apiDate, callerArn, indexKey, mergeTags, paginate, removeTags, uniqueId } from './common.js';
import { permissionsConflict } from './entity-policies.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { UserRecord } from './user-state.js';

export function userHandlers(iam: IamService) {
  const { users, keys, state } = iam;

  /** Applies `change` to a user and stores it, in one transaction. */
  function update(ctx: RequestContext, name: string | undefined, change: (user: UserRecord) => void): UserRecord {
    return state.transaction(() => {
      const user = iam.user(ctx.accountId, name as string);
      change(user);
      users.saveUser(user);
      return user;
    });
  }

  /** Why a user cannot be deleted yet, in the order IAM checks. */
  function deleteConflict(user: UserRecord): string | undefined {
    const permissions = permissionsConflict(iam, user.accountId, { type: 'user', name: user.name });
    if (permissions) return permissions;
    if (keys.accessKeysOf(user.accountId, user.name).length) return IamMessages.hasAccessKeys;
    if (keys.certificatesOf(user.accountId, user.name, 'signing').length) return IamMessages.hasSigningCertificates;
    if (keys.certificatesOf(user.accountId, user.name, 'ssh').length) return IamMessages.hasSshKeys;
    if (user.loginProfile) return IamMessages.hasLoginProfile;
    if (users.groupsOf(user.accountId, user.name).length) return IamMessages.groupMembership;
    return undefined;
  }

  function describeLoginProfile(user: UserRecord): LoginProfile {
    const profile = user.loginProfile;
    if (!profile) throw IamErrors.noSuchLoginProfile(user.name);
    return {
      UserName: user.name,
      CreateDate: apiDate(profile.createdAt),
      PasswordResetRequired: profile.passwordResetRequired,
    };
  }

  return {
    CreateUser(input: CreateUserRequest, ctx: RequestContext): CreateUserResponse {
      const name = input.UserName as string;
      if (input.PermissionsBoundary) iam.checkBoundary(ctx.accountId, input.PermissionsBoundary);
      const tags = mergeTags([], input.Tags, 'TagsPerUser');
      return state.transaction(() => {
        if (users.getUser(ctx.accountId, name)) throw IamErrors.userExists(name);
        const user: UserRecord = {
          accountId: ctx.accountId,
          name,
          path: input.Path ?? '/',
          userId: uniqueId('AIDA'),
          permissionsBoundary: input.PermissionsBoundary,
          tags,
          createdAt: iam.now(),
          loginProfile: undefined,
        };
        users.insertUser(user);
        return { User: iam.describeUser(user, 'full') };
      });
    },

    GetUser(input: GetUserRequest, ctx: RequestContext): GetUserResponse {
      if (input.UserName !== undefined || ctx.credentials?.principalArn) {
        return { User: iam.describeUser(iam.subjectUser(ctx, input.UserName), 'full') };
      }
      // The account root has no name or path; the model marks them required but AWS leaves them out.
      return {
        User: {
          UserId: ctx.accountId,
          Arn: callerArn(ctx),
          CreateDate: apiDate(iam.now()),
          Path: undefined,
          UserName: undefined,
        },
      };
    },

    ListUsers(input: ListUsersRequest, ctx: RequestContext): ListUsersResponse {
      const prefix = input.PathPrefix ?? '/';
      const listed = users.listUsers(ctx.accountId).filter((u) => u.path.startsWith(prefix));
      const page = paginate(listed, (u) => u.name.toLowerCase(), input);
      return {
        Users: page.items.map((u) => iam.describeUser(u, 'list')),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    UpdateUser(input: UpdateUserRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const user = iam.user(ctx.accountId, input.UserName as string);
        const previousName = user.name;
        const newName = input.NewUserName;
        if (newName !== undefined && newName.toLowerCase() !== previousName.toLowerCase()) {
          if (users.getUser(ctx.accountId, newName)) throw IamErrors.userExists(newName);
        }
        if (newName !== undefined) user.name = newName;
        if (input.NewPath !== undefined) user.path = input.NewPath;
        users.saveUser(user, previousName);
        if (user.name !== previousName) {
          users.renameMember(ctx.accountId, previousName, user.name);
          keys.renameOwner(ctx.accountId, previousName, user.name);
          state.renamePermissions(ctx.accountId, 'user', previousName, user.name);
        }
      });
      return {};
    },

    DeleteUser(input: DeleteUserRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const user = iam.user(ctx.accountId, input.UserName as string);
        const conflict = deleteConflict(user);
        if (conflict) throw IamErrors.deleteConflict(conflict);
        users.deleteUser(ctx.accountId, user.name);
      });
      return {};
    },

    TagUser(input: TagUserRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.UserName, (user) => {
        user.tags = mergeTags(user.tags, input.Tags, 'TagsPerUser');
      });
      return {};
    },

    UntagUser(input: UntagUserRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.UserName, (user) => {
        user.tags = removeTags(user.tags, input.TagKeys);
      });
      return {};
    },

    ListUserTags(input: ListUserTagsRequest, ctx: RequestContext): ListUserTagsResponse {
      const user = iam.user(ctx.accountId, input.UserName as string);
      const page = paginate(user.tags, indexKey, input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    PutUserPermissionsBoundary(input: PutUserPermissionsBoundaryRequest, ctx: RequestContext): Record<string, never> {
      const arn = input.PermissionsBoundary as string;
      iam.user(ctx.accountId, input.UserName as string);
      iam.checkBoundary(ctx.accountId, arn);
      update(ctx, input.UserName, (user) => {
        user.permissionsBoundary = arn;
      });
      return {};
    },

    DeleteUserPermissionsBoundary(
      input: DeleteUserPermissionsBoundaryRequest,
      ctx: RequestContext,
    ): Record<string, never> {
      update(ctx, input.UserName, (user) => {
        user.permissionsBoundary = undefined;
      });
      return {};
    },

    // Login profiles: the console password is neither kept nor checked (nobody signs in here).

    CreateLoginProfile(input: CreateLoginProfileRequest, ctx: RequestContext): CreateLoginProfileResponse {
      const user = update(ctx, input.UserName, (u) => {
        if (u.loginProfile) throw IamErrors.loginProfileExists(u.name);
        u.loginProfile = { createdAt: iam.now(), passwordResetRequired: input.PasswordResetRequired ?? false };
      });
      return { LoginProfile: describeLoginProfile(user) };
    },

    GetLoginProfile(input: GetLoginProfileRequest, ctx: RequestContext): GetLoginProfileResponse {
      return { LoginProfile: describeLoginProfile(iam.subjectUser(ctx, input.UserName)) };
    },

    UpdateLoginProfile(input: UpdateLoginProfileRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.UserName, (user) => {
        if (!user.loginProfile) throw IamErrors.noSuchLoginProfile(user.name);
        if (input.PasswordResetRequired !== undefined) {
          user.loginProfile.passwordResetRequired = input.PasswordResetRequired;
        }
      });
      return {};
    },

    DeleteLoginProfile(input: DeleteLoginProfileRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.UserName, (user) => {
        if (!user.loginProfile) throw IamErrors.noSuchLoginProfile(user.name);
        user.loginProfile = undefined;
      });
      return {};
    },
  };
}
