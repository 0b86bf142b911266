/**
 * Instance profiles: containers that pass one role to EC2 instances. Create, read, list, delete,
 * the role (at most one), and tags. A role in a profile cannot be deleted (roles.ts checks).
 */
import type {
  AddRoleToInstanceProfileRequest,
  CreateInstanceProfileRequest,
  CreateInstanceProfileResponse,
  DeleteInstanceProfileRequest,
  GetInstanceProfileRequest,
  GetInstanceProfileResponse,
  InstanceProfile,
  ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse,
  ListInstanceProfilesRequest,
  ListInstanceProfilesResponse,
  ListInstanceProfileTagsRequest,
  ListInstanceProfileTagsResponse,
  RemoveRoleFromInstanceProfileRequest,
  TagInstanceProfileRequest,
  UntagInstanceProfileRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { apiDate, indexKey, instanceProfileArn, mergeTags, paginate, removeTags, uniqueId } from './common.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { InstanceProfileRecord } from './profile-state.js';

/**
 * Which members an operation returns: GetInstanceProfile always lists Tags (empty too), CreateInstanceProfile
 * only when given, the list operations never (as AWS answers).
 */
type ProfileView = 'create' | 'get' | 'list';

export function instanceProfileHandlers(iam: IamService) {
  const { profiles, state } = iam;

  function profile(ctx: RequestContext, name: string | undefined): InstanceProfileRecord {
    const found = profiles.getProfile(ctx.accountId, name as string);
    if (!found) throw IamErrors.noSuchInstanceProfile(name as string);
    return found;
  }

  /** Applies `change` to a profile and stores it, in one transaction. */
  function update(ctx: RequestContext, name: string | undefined, change: (p: InstanceProfileRecord) => void): void {
    state.transaction(() => {
      const found = profile(ctx, name);
      change(found);
      profiles.saveProfile(found);
    });
  }

  function describe(p: InstanceProfileRecord, view: ProfileView): InstanceProfile {
    const role = p.roleKey === undefined ? undefined : state.getRole(p.accountId, p.roleKey);
    const out: InstanceProfile = {
      Path: p.path,
      InstanceProfileName: p.name,
      InstanceProfileId: p.profileId,
      Arn: instanceProfileArn(p.accountId, p.path, p.name),
      CreateDate: apiDate(p.createdAt),
      Roles: role ? [iam.describeRole(role, 'profile')] : [],
    };
    if (view === 'get' || (view === 'create' && p.tags.length)) out.Tags = p.tags;
    return out;
  }

  return {
    CreateInstanceProfile(input: CreateInstanceProfileRequest, ctx: RequestContext): CreateInstanceProfileResponse {
      const name = input.InstanceProfileName as string;
      const tags = mergeTags([], input.Tags, 'TagsPerInstanceProfile');
      return state.transaction(() => {
        if (profiles.getProfile(ctx.accountId, name)) throw IamErrors.instanceProfileExists(name);
        const created: InstanceProfileRecord = {
          accountId: ctx.accountId,
          name,
          path: input.Path ?? '/',
          profileId: uniqueId('AIPA'),
          roleKey: undefined,
          tags,
          createdAt: iam.now(),
        };
        profiles.insertProfile(created);
        return { InstanceProfile: describe(created, 'create') };
      });
    },

    GetInstanceProfile(input: GetInstanceProfileRequest, ctx: RequestContext): GetInstanceProfileResponse {
      return { InstanceProfile: describe(profile(ctx, input.InstanceProfileName), 'get') };
    },

    ListInstanceProfiles(input: ListInstanceProfilesRequest, ctx: RequestContext): ListInstanceProfilesResponse {
      const prefix = input.PathPrefix ?? '/';
      const listed = profiles.listProfiles(ctx.accountId).filter((p) => p.path.startsWith(prefix));
      const page = paginate(listed, (p) => p.name.toLowerCase(), input);
      return {
        InstanceProfiles: page.items.map((p) => describe(p, 'list')),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    ListInstanceProfilesForRole(
      input: ListInstanceProfilesForRoleRequest,
      ctx: RequestContext,
    ): ListInstanceProfilesForRoleResponse {
      const role = iam.role(ctx.accountId, input.RoleName as string);
      const page = paginate(profiles.listProfiles(ctx.accountId, role.name), (p) => p.name.toLowerCase(), input);
      return {
        InstanceProfiles: page.items.map((p) => describe(p, 'list')),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    DeleteInstanceProfile(input: DeleteInstanceProfileRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const found = profile(ctx, input.InstanceProfileName);
        if (found.roleKey !== undefined) throw IamErrors.deleteConflict(IamMessages.inInstanceProfile);
        profiles.deleteProfile(ctx.accountId, found.name);
      });
      return {};
    },

    AddRoleToInstanceProfile(input: AddRoleToInstanceProfileRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.InstanceProfileName, (p) => {
        const role = iam.role(ctx.accountId, input.RoleName as string);
        if (p.roleKey !== undefined) throw IamErrors.limitExceeded(IamMessages.rolesPerProfile);
        p.roleKey = role.name.toLowerCase();
      });
      return {};
    },

    RemoveRoleFromInstanceProfile(
      input: RemoveRoleFromInstanceProfileRequest,
      ctx: RequestContext,
    ): Record<string, never> {
      update(ctx, input.InstanceProfileName, (p) => {
        const role = iam.role(ctx.accountId, input.RoleName as string);
        if (p.roleKey !== role.name.toLowerCase()) throw IamErrors.roleNotInProfile(role.name, p.name);
        p.roleKey = undefined;
      });
      return {};
    },

    TagInstanceProfile(input: TagInstanceProfileRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.InstanceProfileName, (p) => {
        p.tags = mergeTags(p.tags, input.Tags, 'TagsPerInstanceProfile');
      });
      return {};
    },

    UntagInstanceProfile(input: UntagInstanceProfileRequest, ctx: RequestContext): Record<string, never> {
      update(ctx, input.InstanceProfileName, (p) => {
        p.tags = removeTags(p.tags, input.TagKeys);
      });
      return {};
    },

    ListInstanceProfileTags(
      input: ListInstanceProfileTagsRequest,
      ctx: RequestContext,
    ): ListInstanceProfileTagsResponse {
      const page = paginate(profile(ctx, input.InstanceProfileName).tags, indexKey, input);
      return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
  };
}
