/**
 * IAM's lookups, shared by the handlers and offered to other services: whether a role exists
 * (Lambda's and CloudFormation's execution roles), which policy an ARN names, and the API shapes
 * of roles and policies (each operation returns a different subset of members, as AWS does).
 */
import type {
  AttachedPermissionsBoundary,
  Group,
  PermissionsBoundaryAttachmentType,
  Policy,
  Role,
  User,
} from '@aws-sdk/client-iam';
import type { AwsError } from '../../errors.js';
import type { RequestContext } from '../../service.js';
import type { Db } from '../../store/database.js';
import { apiDate, groupArn, parsePolicyArn, parseRoleArn, policyArn, roleArn, userArn } from './common.js';
import { encodeDocument } from './documents.js';
import { IamErrors } from './errors.js';
import { KeyState } from './key-state.js';
import { AWS_MANAGED_POLICIES, type AwsManagedPolicy, awsPolicyArn } from './managed-policies.js';
import { InstanceProfileState } from './profile-state.js';
import { IamState, type PolicyRecord, type RoleRecord } from './state.js';
import { type GroupRecord, type UserRecord, UserState } from './user-state.js';

/** A managed policy an ARN names: AWS's own (static data) or the account's (a row). */
export type ManagedPolicy =
  | { kind: 'aws'; arn: string; policy: AwsManagedPolicy }
  | { kind: 'customer'; arn: string; policy: PolicyRecord };

/**
 * Which members an operation returns: CreateRole, GetRole and ListRoles each return different
 * ones, and an instance profile's roles fewer still (no MaxSessionDuration, tags or boundary).
 * CreateRole leaves out even the Description it was given, which UpdateRoleDescription's answer
 * (`description`: CreateRole's members otherwise) includes, as AWS answered LocalStack's recordings.
 */
export type RoleView = 'create' | 'description' | 'get' | 'list' | 'profile';

export class IamService {
  /** Roles, managed policies, and every entity's inline policies and attachments. */
  readonly state: IamState;
  /** Users, groups and membership. */
  readonly users: UserState;
  /** Access keys and signing certificates. */
  readonly keys: KeyState;
  readonly profiles: InstanceProfileState;

  /** The states share `db`, so a transaction of one (`state.transaction`) covers them all. */
  constructor(
    db: Db,
    private readonly clock: () => number,
  ) {
    this.state = new IamState(db);
    this.users = new UserState(db);
    this.keys = new KeyState(db);
    this.profiles = new InstanceProfileState(db);
  }

  /** The server's clock (epoch ms). */
  now(): number {
    return this.clock();
  }

  // The programmatic API for other services

  /** The role an ARN names, in the ARN's account, if it exists with that path. */
  roleByArn(arn: string): RoleRecord | undefined {
    const parsed = parseRoleArn(arn);
    if (!parsed || parsed.accountId === 'aws') return undefined;
    const role = this.state.getRole(parsed.accountId, parsed.name);
    return role?.path === parsed.path ? role : undefined;
  }

  /** Whether `arn` names an existing role of `accountId`. */
  roleExists(accountId: string, arn: string): boolean {
    return this.roleByArn(arn)?.accountId === accountId;
  }

  // Lookups for the handlers

  /** A role by name (IAM matches role names regardless of case), or NoSuchEntity. */
  role(accountId: string, name: string): RoleRecord {
    const role = this.state.getRole(accountId, name);
    if (!role) throw IamErrors.noSuchRole(name);
    return role;
  }

  /** A user by name (regardless of case), or NoSuchEntity. */
  user(accountId: string, name: string): UserRecord {
    const user = this.users.getUser(accountId, name);
    if (!user) throw IamErrors.noSuchUser(name);
    return user;
  }

  group(accountId: string, name: string): GroupRecord {
    const group = this.users.getGroup(accountId, name);
    if (!group) throw IamErrors.noSuchGroup(name);
    return group;
  }

  /**
   * The user a call is about: `UserName` when given, else the calling user (IAM determines it from
   * the signing key). Root and role sessions must name one.
   */
  subjectUser(ctx: RequestContext, userName: string | undefined): UserRecord {
    const name = userName ?? callerUserName(ctx);
    if (name === undefined) throw IamErrors.userNameRequired();
    return this.user(ctx.accountId, name);
  }

  /**
   * The managed policy `arn` names in `accountId`'s view: AWS's own policies and the account's.
   * A value that is no ARN at all fails as IAM fails it; an ARN naming nothing fails with `notFound`.
   */
  policy(accountId: string, arn: string, notFound: (arn: string) => AwsError): ManagedPolicy {
    if (!arn.startsWith('arn:')) throw IamErrors.invalidArn();
    const parsed = parsePolicyArn(arn);
    if (parsed?.accountId === 'aws') {
      const policy = AWS_MANAGED_POLICIES.get(arn);
      if (policy) return { kind: 'aws', arn, policy };
    } else if (parsed?.accountId === accountId) {
      const policy = this.state.getPolicy(accountId, parsed.name);
      if (policy && policy.path === parsed.path) return { kind: 'customer', arn, policy };
    }
    throw notFound(arn);
  }

  /** Checks a permissions boundary ARN names an existing managed policy. */
  checkBoundary(accountId: string, arn: string): void {
    this.policy(accountId, arn, IamErrors.noSuchBoundary);
  }

  // API shapes

  describeRole(role: RoleRecord, view: RoleView): Role {
    const out: Role = {
      Path: role.path,
      RoleName: role.name,
      RoleId: role.roleId,
      Arn: roleArn(role.accountId, role.path, role.name),
      CreateDate: apiDate(role.createdAt),
      AssumeRolePolicyDocument: encodeDocument(role.trustPolicy),
    };
    if (role.description !== undefined && view !== 'create') out.Description = role.description;
    // CreateRole echoes MaxSessionDuration only when the request set it (the handler adds it).
    if (view === 'profile') return out;
    if (view !== 'create' && view !== 'description') out.MaxSessionDuration = role.maxSessionDuration;
    if (view === 'list') return out;
    if (role.permissionsBoundary) out.PermissionsBoundary = attachedBoundary(role.permissionsBoundary);
    if (role.tags.length) out.Tags = role.tags;
    // AWS sends an empty element for a role never used.
    if (view === 'get') {
      out.RoleLastUsed = role.lastUsed ? { LastUsedDate: apiDate(role.lastUsed.at), Region: role.lastUsed.region } : {};
    }
    return out;
  }

  /**
   * A user as AWS returns it: ListUsers, GetGroup and ListGroupsForUser leave out tags and the
   * permissions boundary, which CreateUser and GetUser include when set.
   */
  describeUser(user: UserRecord, view: 'full' | 'list'): User {
    const out: User = {
      Path: user.path,
      UserName: user.name,
      UserId: user.userId,
      Arn: userArn(user.accountId, user.path, user.name),
      CreateDate: apiDate(user.createdAt),
    };
    if (view === 'list') return out;
    if (user.permissionsBoundary) out.PermissionsBoundary = attachedBoundary(user.permissionsBoundary);
    if (user.tags.length) out.Tags = user.tags;
    return out;
  }

  describeGroup(group: GroupRecord): Group {
    return {
      Path: group.path,
      GroupName: group.name,
      GroupId: group.groupId,
      Arn: groupArn(group.accountId, group.path, group.name),
      CreateDate: apiDate(group.createdAt),
    };
  }

  /**
   * A managed policy. `list` leaves out what ListPolicies leaves out (description and tags);
   * GetPolicy always lists Tags (`[]` when there are none), CreatePolicy only the tags it was given
   * (AWS's answers as LocalStack recorded them).
   */
  describePolicy(accountId: string, managed: ManagedPolicy, view: 'create' | 'get' | 'list'): Policy {
    const usage = {
      AttachmentCount: this.state.countAttachments(accountId, managed.arn),
      PermissionsBoundaryUsageCount: this.state.countBoundaryUses(accountId, managed.arn),
      IsAttachable: true,
    };
    if (managed.kind === 'aws') {
      const p = managed.policy;
      return {
        PolicyName: p.name,
        PolicyId: p.policyId,
        Arn: awsPolicyArn(p),
        Path: p.path,
        DefaultVersionId: p.versionId,
        ...usage,
        ...(view !== 'list' ? { Description: p.description } : {}),
        CreateDate: new Date(p.createDate),
        UpdateDate: new Date(p.updateDate),
        ...(view === 'get' ? { Tags: [] } : {}),
      };
    }
    const p = managed.policy;
    return {
      PolicyName: p.name,
      PolicyId: p.policyId,
      Arn: policyArn(p.accountId, p.path, p.name),
      Path: p.path,
      DefaultVersionId: p.defaultVersion,
      ...usage,
      // CreatePolicy leaves out even the Description it was given.
      ...(view === 'get' && p.description !== undefined ? { Description: p.description } : {}),
      CreateDate: apiDate(p.createdAt),
      UpdateDate: apiDate(p.updatedAt),
      ...(view === 'get' || (view === 'create' && p.tags.length) ? { Tags: p.tags } : {}),
    };
  }
}

/**
 * A permissions boundary as GetRole and GetUser show it. The model's enum names the type
 * `PermissionsBoundaryPolicy`, but AWS answers `Policy` (LocalStack's recordings against AWS, the
 * AWS CLI's own examples), and SDKs pass the value through.
 */
function attachedBoundary(arn: string): AttachedPermissionsBoundary {
  return { PermissionsBoundaryType: 'Policy' as PermissionsBoundaryAttachmentType, PermissionsBoundaryArn: arn };
}

/** The calling IAM user's name (from its key or a session it started), if the caller is a user. */
export function callerUserName(ctx: RequestContext): string | undefined {
  const arn = ctx.credentials?.principalArn;
  return arn ? /^arn:aws[\w-]*:iam::\d{12}:user\/(?:[^/]+\/)*([^/]+)$/.exec(arn)?.[1] : undefined;
}
