/**
 * The `with:` parameters of the cloudformation-stack actions: CreateStack's members in
 * lowerCamelCase (acronyms written as words: `roleArn`, `templateUrl`, `notificationArns`), plus
 * the task's own options (`templateFile`, `templateBucket`, `waitTimeout`), and their translation
 * to SDK inputs. The schemas are builders, called on first use (see ParamsSchema).
 */
import type { Capability, OnFailure, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import * as z from '../../pipeline/zod.js';
import { bucketParam } from '../s3-object/params.js';

/** A stack name, as CloudFormation allows it. */
const stackName = () =>
  z
    .string()
    .check(
      z.regex(
        /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/,
        'a stack name starts with a letter and has only letters, digits and hyphens',
      ),
    );

/**
 * A parameter value. Numbers and booleans are written as CloudFormation reads them, a list is a
 * `CommaDelimitedList` / `List<...>` value, and `{ usePreviousValue: true }` keeps the stack's
 * current value; when the stack is created it is left out, so the template's default applies (as
 * `aws cloudformation deploy` does), and one pipeline step can both create and update a stack.
 */
const parameterValue = () =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.array(z.union([z.string(), z.number()])),
    z.strictObject({ usePreviousValue: z.literal(true) }),
  ]);

/** Where the template comes from: exactly one of these (checked by `checkTemplateSource`). */
export const templateSource = () => ({
  /** The template text (JSON or YAML); an object is sent as JSON. Up to 51,200 bytes. */
  templateBody: z.optional(z.union([z.string(), z.record(z.string(), z.unknown())])),
  /** A local file, relative to the pipeline file; read by the action, uploaded to `templateBucket` when large. */
  templateFile: z.optional(z.string().check(z.minLength(1))),
  /** An S3 URL of the template (up to 1 MB). */
  templateUrl: z.optional(z.url()),
  /**
   * The bucket a `templateFile` over TemplateBody's 51,200 bytes is uploaded to (then passed as
   * TemplateURL). Required only for such files.
   */
  templateBucket: z.optional(z.string().check(z.minLength(3))),
  /**
   * Package the `templateFile` first, as `aws cloudformation package` does: local paths in it
   * (CodeUri, Code, ContentUri, nested TemplateURL, AWS::Include ...) are uploaded to
   * `templateBucket` under their content hash and the rewritten template is deployed. @default false
   */
  package: z.optional(z.boolean()),
  /** With `package`: keys of the artifacts start with `<packagePrefix>/`. */
  packagePrefix: z.optional(z.string()),
});

/** CreateStack/UpdateStack/CreateChangeSet members shared by the actions that deploy a template. */
export const stackShape = () => ({
  stackName: stackName(),
  ...templateSource(),
  /**
   * Template parameters as a map `{ Key: value }` (rather than the API's list of
   * `{ParameterKey, ParameterValue}`). Parameters left out take their template default on create,
   * and their default (not their previous value) on update, as the API does.
   */
  parameters: z.optional(z.record(z.string(), parameterValue())),
  capabilities: z.optional(z.array(z.enum(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']))),
  resourceTypes: z.optional(z.array(z.string())),
  roleArn: z.optional(z.string()),
  notificationArns: z.optional(z.array(z.string()).check(z.maxLength(5))),
  /** Stack tags as a map `{ Key: value }`; CloudFormation propagates them to the resources. */
  tags: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  /** On create: keep what was created when a resource fails (status CREATE_FAILED). @default false */
  disableRollback: z.optional(z.boolean()),
  /** On create: ROLLBACK (the default), DELETE or DO_NOTHING. Not together with `disableRollback`. */
  onFailure: z.optional(z.enum(['ROLLBACK', 'DELETE', 'DO_NOTHING'])),
  /** On create: fail the stack if it has not finished after this many minutes. */
  timeoutInMinutes: z.optional(z.number().check(z.int(), z.positive())),
  /** Termination protection; on an existing stack it is changed with UpdateTerminationProtection. */
  enableTerminationProtection: z.optional(z.boolean()),
  retainExceptOnCreate: z.optional(z.boolean()),
  /** How long to wait for the stack to reach a final status, in seconds. @default 3600 */
  waitTimeout: z.optional(z.number().check(z.positive())),
});

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600;

type TemplateSourceParams = {
  templateBody?: string | Record<string, unknown> | undefined;
  templateFile?: string | undefined;
  templateUrl?: string | undefined;
  usePreviousTemplate?: boolean | undefined;
  templateBucket?: string | undefined;
  package?: boolean | undefined;
};

/** Cross-field rule: exactly one template source (`usePreviousTemplate` counts as one where allowed). */
export function checkTemplateSource(params: TemplateSourceParams, ctx: z.core.$RefinementCtx): void {
  const given = (['templateBody', 'templateFile', 'templateUrl', 'usePreviousTemplate'] as const).filter(
    (key) => params[key] !== undefined && params[key] !== false,
  );
  const packaging = params.package;
  if (packaging && params.templateFile === undefined) {
    ctx.addIssue({ code: 'custom', message: 'package needs a templateFile to package', path: ['package'] });
  }
  if (packaging && params.templateBucket === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'package needs templateBucket: the bucket the artifacts are uploaded to',
      path: ['templateBucket'],
    });
  }
  if (given.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'give the template: templateFile, templateBody or templateUrl' });
  } else if (given.length > 1) {
    ctx.addIssue({ code: 'custom', message: `give only one of ${given.join(', ')}`, path: [given[1] ?? ''] });
  }
}

export function checkFailureOptions(
  params: { disableRollback?: boolean | undefined; onFailure?: string | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (params.disableRollback !== undefined && params.onFailure !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'give either disableRollback or onFailure, not both (CloudFormation refuses both)',
      path: ['onFailure'],
    });
  }
}

export type StackParams = z.infer<z.ZodMiniObject<ReturnType<typeof stackShape>>>;

/**
 * The API's parameter list from the `{ Key: value }` map. Creating a stack, a parameter that keeps
 * its previous value is left out (there is none: CloudFormation refuses UsePreviousValue then).
 */
export function toParameters(parameters: StackParams['parameters'], creating = false): Parameter[] | undefined {
  if (!parameters) return undefined;
  return Object.entries(parameters).flatMap(([ParameterKey, value]): Parameter[] => {
    if (typeof value === 'object' && !Array.isArray(value))
      return creating ? [] : [{ ParameterKey, UsePreviousValue: true }];
    return [{ ParameterKey, ParameterValue: Array.isArray(value) ? value.join(',') : String(value) }];
  });
}

export function toTags(tags: StackParams['tags']): Tag[] | undefined {
  if (!tags) return undefined;
  return Object.entries(tags).map(([Key, value]) => ({ Key, Value: String(value) }));
}

/** Members every create/update/change-set request shares, from the parameters. */
export function commonInput(params: StackParams, creating = false) {
  return {
    ...(params.parameters ? { Parameters: toParameters(params.parameters, creating) } : {}),
    ...(params.capabilities ? { Capabilities: params.capabilities as Capability[] } : {}),
    ...(params.resourceTypes ? { ResourceTypes: params.resourceTypes } : {}),
    ...(params.roleArn ? { RoleARN: params.roleArn } : {}),
    ...(params.notificationArns ? { NotificationARNs: params.notificationArns } : {}),
    ...(params.tags ? { Tags: toTags(params.tags) } : {}),
  };
}

/** Members CreateStack and UpdateStack have and change sets do not. */
export function stackOnlyInput(params: StackParams) {
  return params.retainExceptOnCreate !== undefined ? { RetainExceptOnCreate: params.retainExceptOnCreate } : {};
}

/** CreateStack's own members. */
export function createOnlyInput(params: StackParams) {
  return {
    ...stackOnlyInput(params),
    ...(params.disableRollback !== undefined ? { DisableRollback: params.disableRollback } : {}),
    ...(params.onFailure ? { OnFailure: params.onFailure as OnFailure } : {}),
    ...(params.timeoutInMinutes ? { TimeoutInMinutes: params.timeoutInMinutes } : {}),
    ...(params.enableTerminationProtection !== undefined
      ? { EnableTerminationProtection: params.enableTerminationProtection }
      : {}),
  };
}

export function waitTimeoutMs(params: { waitTimeout?: number | undefined }): number {
  return (params.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
}

/** Output names every stack action sets (the stack's Outputs come on top, by their keys). */
export const STACK_OUTPUTS = ['stackId', 'stackName', 'stackStatus'] as const;

export const deployParams = () =>
  z.strictObject(stackShape()).check(
    z.superRefine((p, ctx) => {
      checkTemplateSource(p, ctx);
      checkFailureOptions(p, ctx);
    }),
  );

export const updateParams = () =>
  z
    .strictObject({
      ...stackShape(),
      /** Keep the stack's current template (then only parameters, tags ... change). */
      usePreviousTemplate: z.optional(z.boolean()),
    })
    .check(z.superRefine(checkTemplateSource));

export type DeployParams = StackParams & { usePreviousTemplate?: boolean | undefined };

const changeSetName = () =>
  z
    .string()
    .check(
      z.regex(
        /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/,
        'a change set name starts with a letter and has only letters, digits and hyphens',
      ),
    );

export const createChangeSetParams = () =>
  z
    .strictObject({
      ...stackShape(),
      usePreviousTemplate: z.optional(z.boolean()),
      /** @default `lambda-tasks-<time>` */
      changeSetName: z.optional(changeSetName()),
      description: z.optional(z.string().check(z.maxLength(1024))),
      /** CREATE or UPDATE; by default CREATE when the stack does not exist, UPDATE when it does. */
      changeSetType: z.optional(z.enum(['CREATE', 'UPDATE'])),
    })
    .check(z.superRefine(checkTemplateSource));

export type CreateChangeSetParams = z.infer<ReturnType<typeof createChangeSetParams>>;

export const executeChangeSetParams = () =>
  z.strictObject({
    /** The stack's name or id (optional when changeSetName is the change set's ARN). */
    stackName: z.optional(z.string().check(z.minLength(1))),
    /** The change set's name, or its ARN (the `changeSetId` output of create-change-set). */
    changeSetName: z.string().check(z.minLength(1)),
    disableRollback: z.optional(z.boolean()),
    retainExceptOnCreate: z.optional(z.boolean()),
    /** How long to wait for the stack to reach a final status, in seconds. @default 3600 */
    waitTimeout: z.optional(z.number().check(z.positive())),
  });

export type ExecuteChangeSetParams = z.infer<ReturnType<typeof executeChangeSetParams>>;

export const CHANGE_SET_OUTPUTS = [
  'changeSetId',
  'changeSetName',
  'changeSetType',
  'stackId',
  'stackName',
  'hasChanges',
  'changes',
  'changeSummary',
] as const;

export const EXECUTE_OUTPUTS = STACK_OUTPUTS;

export const deleteParams = () =>
  z.strictObject({
    /** The stack's name or id. */
    stackName: z.string().check(z.minLength(1)),
    /** Logical ids of resources to keep (only for a stack in DELETE_FAILED, as the API allows). */
    retainResources: z.optional(z.array(z.string())),
    roleArn: z.optional(z.string()),
    /** How long to wait for DELETE_COMPLETE, in seconds. @default 3600 */
    waitTimeout: z.optional(z.number().check(z.positive())),
  });

export type DeleteParams = z.infer<ReturnType<typeof deleteParams>>;

export const validateParams = () =>
  z
    .strictObject({
      ...templateSource(),
      /** Only names the S3 key of an uploaded large templateFile. */
      stackName: z.optional(z.string()),
    })
    .check(z.superRefine(checkTemplateSource));

export type ValidateParams = z.infer<ReturnType<typeof validateParams>>;

export const VALIDATE_OUTPUTS = ['description', 'parameters', 'capabilities'] as const;

export const packageParams = () =>
  z.strictObject({
    /** The template to package (JSON or YAML), relative to the pipeline file. */
    templateFile: z.string().check(z.minLength(1)),
    /** The bucket the artifacts are uploaded to (`--s3-bucket`). */
    bucket: bucketParam(),
    /** Keys of the artifacts start with `<prefix>/` (`--s3-prefix`). @default none */
    prefix: z.optional(z.string()),
    /** Where to write the packaged template, relative to the pipeline file. @default .lambda-tasks/build/<step>.template.yml */
    outputTemplateFile: z.optional(z.string().check(z.minLength(1))),
    /** Upload every artifact, even one whose object is there already (`--force-upload`). @default false */
    forceUpload: z._default(z.boolean(), false),
    /** Create the bucket when it does not exist (as `s3-object: upload` does). @default false */
    createBucket: z._default(z.boolean(), false),
  });
export type PackageParams = z.infer<ReturnType<typeof packageParams>>;

/**
 * `templateFile`: the packaged template's path; `artifacts`: JSON list of `{ location, path, key }`;
 * `uploaded` / `skipped`: how many artifacts were uploaded or were there already.
 */
export const PACKAGE_OUTPUTS = ['templateFile', 'bucket', 'artifacts', 'uploaded', 'skipped'] as const;
