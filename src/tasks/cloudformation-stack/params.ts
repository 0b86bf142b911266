/**
 * The `with:` parameters of the cloudformation-stack actions: CreateStack's members in
 * lowerCamelCase (acronyms written as words: `roleArn`, `templateUrl`, `notificationArns`), plus
 * the task's own options (`templateFile`, `templateBucket`, `waitTimeout`), and their translation
 * to SDK inputs.
 */
import type { Capability, OnFailure, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import { z } from 'zod';

/** A stack name, as CloudFormation allows it. */
const stackName = z
  .string()
  .regex(/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/, 'a stack name starts with a letter and has only letters, digits and hyphens');

/**
 * A parameter value. Numbers and booleans are written as CloudFormation reads them, a list is a
 * `CommaDelimitedList` / `List<...>` value, and `{ usePreviousValue: true }` keeps the stack's
 * current value; when the stack is created it is left out, so the template's default applies (as
 * `aws cloudformation deploy` does), and one pipeline step can both create and update a stack.
 */
const parameterValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
  z.strictObject({ usePreviousValue: z.literal(true) }),
]);

/** Where the template comes from: exactly one of these (checked by `checkTemplateSource`). */
export const templateSource = {
  /** The template text (JSON or YAML); an object is sent as JSON. Up to 51,200 bytes. */
  templateBody: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  /** A local file, relative to the pipeline file; read by the action, uploaded to `templateBucket` when large. */
  templateFile: z.string().min(1).optional(),
  /** An S3 URL of the template (up to 1 MB). */
  templateUrl: z.url().optional(),
  /**
   * The bucket a `templateFile` over TemplateBody's 51,200 bytes is uploaded to (then passed as
   * TemplateURL). Required only for such files.
   */
  templateBucket: z.string().min(3).optional(),
  /**
   * Package the `templateFile` first, as `aws cloudformation package` does: local paths in it
   * (CodeUri, Code, ContentUri, nested TemplateURL, AWS::Include ...) are uploaded to
   * `templateBucket` under their content hash and the rewritten template is deployed. @default false
   */
  package: z.boolean().optional(),
  /** With `package`: keys of the artifacts start with `<packagePrefix>/`. */
  packagePrefix: z.string().optional(),
};

/** CreateStack/UpdateStack/CreateChangeSet members shared by the actions that deploy a template. */
export const stackShape = {
  stackName,
  ...templateSource,
  /**
   * Template parameters as a map `{ Key: value }` (rather than the API's list of
   * `{ParameterKey, ParameterValue}`). Parameters left out take their template default on create,
   * and their default (not their previous value) on update, as the API does.
   */
  parameters: z.record(z.string(), parameterValue).optional(),
  capabilities: z.array(z.enum(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'])).optional(),
  resourceTypes: z.array(z.string()).optional(),
  roleArn: z.string().optional(),
  notificationArns: z.array(z.string()).max(5).optional(),
  /** Stack tags as a map `{ Key: value }`; CloudFormation propagates them to the resources. */
  tags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** On create: keep what was created when a resource fails (status CREATE_FAILED). @default false */
  disableRollback: z.boolean().optional(),
  /** On create: ROLLBACK (the default), DELETE or DO_NOTHING. Not together with `disableRollback`. */
  onFailure: z.enum(['ROLLBACK', 'DELETE', 'DO_NOTHING']).optional(),
  /** On create: fail the stack if it has not finished after this many minutes. */
  timeoutInMinutes: z.number().int().positive().optional(),
  /** Termination protection; on an existing stack it is changed with UpdateTerminationProtection. */
  enableTerminationProtection: z.boolean().optional(),
  retainExceptOnCreate: z.boolean().optional(),
  /** How long to wait for the stack to reach a final status, in seconds. @default 3600 */
  waitTimeout: z.number().positive().optional(),
};

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
export function checkTemplateSource(params: TemplateSourceParams, ctx: z.RefinementCtx): void {
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
  ctx: z.RefinementCtx,
): void {
  if (params.disableRollback !== undefined && params.onFailure !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'give either disableRollback or onFailure, not both (CloudFormation refuses both)',
      path: ['onFailure'],
    });
  }
}

export type StackParams = z.infer<z.ZodObject<typeof stackShape>>;

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
