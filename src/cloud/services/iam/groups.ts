/** Groups: create, read (with members), list, rename, delete, and membership. */
import type {
  AddUserToGroupRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupRequest,
  GetGroupRequest,
  GetGroupResponse,
  ListGroupsForUserRequest,
  ListGroupsForUserResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  RemoveUserFromGroupRequest,
  UpdateGroupRequest,
} from '@aws-sdk/client-iam';
import type { RequestContext } from '../../service.js';
import { indexKey, paginate, uniqueId } from './common.js';
import { permissionsConflict } from './entity-policies.js';
import { IamErrors, IamMessages } from './errors.js';
import type { IamService } from './iam-service.js';
import type { GroupRecord } from './user-state.js';

/** Groups one user may belong to (AWS's fixed quota). */
const GROUPS_PER_USER_MAX = 10;

export function groupHandlers(iam: IamService) {
  const { users, state } = iam;

  return {
    CreateGroup(input: CreateGroupRequest, ctx: RequestContext): CreateGroupResponse {
      const name = input.GroupName as string;
      return state.transaction(() => {
        if (users.getGroup(ctx.accountId, name)) throw IamErrors.groupExists(name);
        const group: GroupRecord = {
          accountId: ctx.accountId,
          name,
          path: input.Path ?? '/',
          groupId: uniqueId('AGPA'),
          createdAt: iam.now(),
        };
        users.insertGroup(group);
        return { Group: iam.describeGroup(group) };
      });
    },

    GetGroup(input: GetGroupRequest, ctx: RequestContext): GetGroupResponse {
      const group = iam.group(ctx.accountId, input.GroupName as string);
      const page = paginate(users.members(ctx.accountId, group.name), (u) => u.name.toLowerCase(), input);
      return {
        Group: iam.describeGroup(group),
        Users: page.items.map((u) => iam.describeUser(u, 'list')),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    ListGroups(input: ListGroupsRequest, ctx: RequestContext): ListGroupsResponse {
      const prefix = input.PathPrefix ?? '/';
      const listed = users.listGroups(ctx.accountId).filter((g) => g.path.startsWith(prefix));
      const page = paginate(listed, (g) => g.name.toLowerCase(), input);
      return {
        Groups: page.items.map((g) => iam.describeGroup(g)),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    UpdateGroup(input: UpdateGroupRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const group = iam.group(ctx.accountId, input.GroupName as string);
        const previousName = group.name;
        const newName = input.NewGroupName;
        if (newName !== undefined && newName.toLowerCase() !== previousName.toLowerCase()) {
          if (users.getGroup(ctx.accountId, newName)) throw IamErrors.groupExists(newName);
        }
        if (newName !== undefined) group.name = newName;
        if (input.NewPath !== undefined) group.path = input.NewPath;
        users.saveGroup(group, previousName);
        if (group.name !== previousName) state.renamePermissions(ctx.accountId, 'group', previousName, group.name);
      });
      return {};
    },

    DeleteGroup(input: DeleteGroupRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const group = iam.group(ctx.accountId, input.GroupName as string);
        if (users.members(ctx.accountId, group.name).length) {
          throw IamErrors.deleteConflict(IamMessages.groupMembership);
        }
        const conflict = permissionsConflict(iam, ctx.accountId, { type: 'group', name: group.name });
        if (conflict) throw IamErrors.deleteConflict(conflict);
        users.deleteGroup(ctx.accountId, group.name);
      });
      return {};
    },

    AddUserToGroup(input: AddUserToGroupRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const group = iam.group(ctx.accountId, input.GroupName as string);
        const user = iam.user(ctx.accountId, input.UserName as string);
        const groups = users.groupsOf(ctx.accountId, user.name);
        const member = groups.some((g) => g.name === group.name);
        if (!member && groups.length >= GROUPS_PER_USER_MAX) {
          throw IamErrors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER_MAX}`);
        }
        users.addMember(ctx.accountId, group.name, user.name);
      });
      return {};
    },

    /** Removing a user who is not a member succeeds, as on AWS. */
    RemoveUserFromGroup(input: RemoveUserFromGroupRequest, ctx: RequestContext): Record<string, never> {
      state.transaction(() => {
        const group = iam.group(ctx.accountId, input.GroupName as string);
        const user = iam.user(ctx.accountId, input.UserName as string);
        users.removeMember(ctx.accountId, group.name, user.name);
      });
      return {};
    },

    ListGroupsForUser(input: ListGroupsForUserRequest, ctx: RequestContext): ListGroupsForUserResponse {
      const user = iam.user(ctx.accountId, input.UserName as string);
      const page = paginate(users.groupsOf(ctx.accountId, user.name), indexKey, input);
      return {
        Groups: page.items.map((g) => iam.describeGroup(g)),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  };
}
