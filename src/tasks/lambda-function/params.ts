/**
 * Parameters of the lambda-function actions: CreateFunction's members in lowerCamelCase (so they
 * can be looked up in the Lambda API reference) plus the task's own options (`publish`, `alias`,
 * `wait`). `toConfiguration` turns the configuration members into the SDK's input shape. The
 * schemas are builders, called on first use (see ParamsSchema).
 */
import type { CreateFunctionRequest } from '@aws-sdk/client-lambda';
import * as z from '../../pipeline/zod.js';
import { toAwsShape } from '../aws-names.js';

/** A name (`hello`), a partial ARN (`000000000000:function:hello`) or an ARN. */
const functionName = () => z.string().check(z.minLength(1), z.maxLength(170));

/** Environment values may be written as YAML numbers or booleans; Lambda wants strings. */
const envValue = () => z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String));

const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** The configuration members of CreateFunction / UpdateFunctionConfiguration. */
export const configurationShape = () => ({
  runtime: z.optional(z.string().check(z.minLength(1))),
  handler: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  role: z.optional(z.string().check(z.minLength(1))),
  /** Seconds. AWS's default: 3. */
  timeout: z.optional(z.number().check(z.int(), z.gte(1), z.lte(900))),
  /** MB. AWS's default: 128. */
  memorySize: z.optional(z.number().check(z.int(), z.gte(128), z.lte(10_240))),
  description: z.optional(z.string().check(z.maxLength(256))),
  /** The complete set of variables: ones not listed are removed. */
  environment: z.optional(z.strictObject({ variables: z._default(z.record(z.string(), envValue()), {}) })),
  /** Layer version ARNs, in order. */
  layers: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(5))),
  architectures: z.optional(z.array(z.enum(['x86_64', 'arm64'])).check(z.length(1))),
  ephemeralStorage: z.optional(z.strictObject({ size: z.number().check(z.int(), z.gte(512), z.lte(10_240)) })),
  /** An SQS queue or SNS topic ARN; an empty string removes it. */
  deadLetterConfig: z.optional(z.strictObject({ targetArn: z.string() })),
  tracingConfig: z.optional(z.strictObject({ mode: z.enum(['Active', 'PassThrough']) })),
  loggingConfig: z.optional(
    z.strictObject({
      logFormat: z.optional(z.enum(['JSON', 'Text'])),
      applicationLogLevel: z.optional(z.enum(logLevels)),
      systemLogLevel: z.optional(z.enum(['DEBUG', 'INFO', 'WARN'])),
      logGroup: z.optional(z.string().check(z.minLength(1))),
    }),
  ),
  kmsKeyArn: z.optional(z.string()),
  vpcConfig: z.optional(
    z.strictObject({
      subnetIds: z.optional(z.array(z.string())),
      securityGroupIds: z.optional(z.array(z.string())),
      ipv6AllowedForDualStack: z.optional(z.boolean()),
    }),
  ),
});

type ConfigurationShape = ReturnType<typeof configurationShape>;

/** The configuration members' names (typed against the shape: a member added there must be listed here). */
export const CONFIGURATION_KEYS = [
  'runtime',
  'handler',
  'role',
  'timeout',
  'memorySize',
  'description',
  'environment',
  'layers',
  'architectures',
  'ephemeralStorage',
  'deadLetterConfig',
  'tracingConfig',
  'loggingConfig',
  'kmsKeyArn',
  'vpcConfig',
] as const satisfies readonly (keyof ConfigurationShape)[];

/** The function's code: a local zip or directory (zipped reproducibly), or an S3 object. */
const codeParam = () =>
  z
    .strictObject({
      /** A local .zip file, or a directory to zip (honouring .lambdaignore), relative to the pipeline file. */
      zipFile: z.optional(z.string().check(z.minLength(1))),
      s3Bucket: z.optional(z.string().check(z.minLength(3))),
      s3Key: z.optional(z.string().check(z.minLength(1))),
      s3ObjectVersion: z.optional(z.string().check(z.minLength(1))),
    })
    .check(
      z.superRefine((code, issue) => {
        const s3 = code.s3Bucket !== undefined || code.s3Key !== undefined || code.s3ObjectVersion !== undefined;
        if (code.zipFile !== undefined && s3) {
          issue.addIssue({ code: 'custom', message: 'give `zipFile` or `s3Bucket` and `s3Key`, not both' });
        } else if (code.zipFile === undefined && (code.s3Bucket === undefined || code.s3Key === undefined)) {
          issue.addIssue({ code: 'custom', message: 'give `zipFile`, or `s3Bucket` and `s3Key`' });
        }
      }),
    );
export type CodeParam = z.infer<ReturnType<typeof codeParam>>;

const tagsParam = () => z.record(z.string(), z.string());

/** `wait`: after the last change, wait until LastUpdateStatus is Successful. @default true */
const waitParam = () => z._default(z.boolean(), true);

type ConfigurationParams = { [K in keyof ConfigurationShape]?: z.infer<ConfigurationShape[K]> };

/** The configuration members that were given, in the SDK's shape (`Timeout`, `Environment.Variables` ...). */
export type Configuration = Partial<
  Omit<CreateFunctionRequest, 'FunctionName' | 'Code' | 'Tags' | 'Publish' | 'PackageType' | 'CodeSigningConfigArn'>
>;

/** The configuration and tags a step asks for (what `decide` compares with the function). */
export function wantedFrom(params: ConfigurationParams & { tags?: Record<string, string> | undefined }): {
  configuration: Configuration;
  tags?: Record<string, string>;
} {
  return { configuration: toConfiguration(params), ...(params.tags ? { tags: params.tags } : {}) };
}

export function toConfiguration(params: ConfigurationParams): Configuration {
  const given = Object.fromEntries(
    CONFIGURATION_KEYS.flatMap((k) => (params[k] === undefined ? [] : [[k, params[k]]])),
  );
  return toAwsShape<Configuration>(given);
}

export const FUNCTION_OUTPUTS = [
  'functionName',
  'functionArn',
  'version',
  'codeSha256',
  'state',
  'revisionId',
] as const;

/** What CreateFunction needs beyond a name: a role, a runtime, a handler (except custom runtimes) and code. */
export function missingForCreate(params: {
  role?: string;
  runtime?: string;
  handler?: string;
  code?: unknown;
}): string[] {
  const missing: string[] = [];
  if (!params.role) missing.push('role');
  if (!params.runtime) missing.push('runtime');
  if (!params.handler && !params.runtime?.startsWith('provided')) missing.push('handler');
  if (!params.code) missing.push('code');
  return missing;
}

export const aliasParams = () =>
  z.strictObject({
    functionName: functionName(),
    /** The alias's name (`live`, `prod`). */
    name: z.string().check(z.minLength(1), z.maxLength(128)),
    /** The version it points to (a number, or $LATEST). */
    functionVersion: z.union([
      z.string().check(z.minLength(1)),
      z.pipe(z.number().check(z.int(), z.gte(1)), z.transform(String)),
    ]),
    description: z.optional(z.string().check(z.maxLength(256))),
    /** Route a share of the traffic to one other version: `{ additionalVersionWeights: { "2": 0.1 } }`. */
    routingConfig: z.optional(
      z.strictObject({ additionalVersionWeights: z.record(z.string(), z.number().check(z.gte(0), z.lte(1))) }),
    ),
  });

export const deployParams = () =>
  z
    .strictObject({
      functionName: functionName(),
      ...configurationShape(),
      /** Required to create the function; without it an existing function keeps its code. */
      code: z.optional(codeParam()),
      /** Tags to set (tags not listed are kept). */
      tags: z.optional(tagsParam()),
      /** Publish a version after the changes (none is published when the newest already holds them). @default false, true with `alias` */
      publish: z.optional(z.boolean()),
      /** An alias to create or move to the published version (`live`). */
      alias: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
      wait: waitParam(),
    })
    .check(
      z.superRefine((p, issue) => {
        if (p.alias !== undefined && p.publish === false) {
          issue.addIssue({
            code: 'custom',
            path: ['alias'],
            message: 'an alias points to a published version: drop publish: false',
          });
        }
      }),
    );
export type DeployParams = z.infer<ReturnType<typeof deployParams>>;

export const createParams = () =>
  z
    .strictObject({
      functionName: functionName(),
      ...configurationShape(),
      code: codeParam(),
      tags: z.optional(tagsParam()),
      /** Publish version 1 right away. @default false */
      publish: z._default(z.boolean(), false),
      wait: waitParam(),
    })
    .check(
      z.superRefine((p, issue) => {
        for (const key of missingForCreate(p))
          issue.addIssue({ code: 'custom', path: [key], message: `${key} is required to create a function` });
      }),
    );

export const updateCodeParams = () =>
  z.strictObject({
    functionName: functionName(),
    code: codeParam(),
    architectures: configurationShape().architectures,
    /** Publish a version after the update. @default false */
    publish: z._default(z.boolean(), false),
    wait: waitParam(),
  });

export const updateConfigurationParams = () => {
  const { architectures: _architectures, ...updatableShape } = configurationShape();
  return z
    .strictObject({ functionName: functionName(), ...updatableShape, tags: z.optional(tagsParam()), wait: waitParam() })
    .check(
      z.superRefine((p, issue) => {
        const given =
          Object.keys(updatableShape).some((k) => p[k as keyof typeof p] !== undefined) || p.tags !== undefined;
        if (!given) issue.addIssue({ code: 'custom', message: 'give at least one configuration member to update' });
      }),
    );
};

export const deleteParams = () =>
  z.strictObject({
    functionName: functionName(),
    /** A version to delete instead of the whole function. */
    qualifier: z.optional(
      z.union([z.string().check(z.minLength(1)), z.pipe(z.number().check(z.int(), z.gte(1)), z.transform(String))]),
    ),
    /** Succeed, with a skip, when the function (or version) does not exist. @default false */
    doNotFailIfNotExists: z._default(z.boolean(), false),
  });

export const invokeParams = () =>
  z
    .strictObject({
      functionName: functionName(),
      /** The event: an object or array (sent as JSON), or a string (sent as it is: JSON text). */
      payload: z.optional(z.unknown()),
      /** A file holding the event (JSON), relative to the pipeline file. */
      payloadFile: z.optional(z.string().check(z.minLength(1))),
      /** @default RequestResponse */
      invocationType: z._default(z.enum(['RequestResponse', 'Event', 'DryRun']), 'RequestResponse'),
      /** A version or alias. @default $LATEST */
      qualifier: z.optional(
        z.union([z.string().check(z.minLength(1)), z.pipe(z.number().check(z.int(), z.gte(1)), z.transform(String))]),
      ),
      /** Tail: show the end of the execution log (RequestResponse only). @default None */
      logType: z._default(z.enum(['None', 'Tail']), 'None'),
      /** The client context the function sees as `context.clientContext` (an object, sent as base64 JSON). */
      clientContext: z.optional(z.record(z.string(), z.unknown())),
      /** Do not fail the step when the function returns an error. @default false */
      allowFunctionError: z._default(z.boolean(), false),
    })
    .check(
      z.superRefine((p, issue) => {
        if (p.payload !== undefined && p.payloadFile !== undefined) {
          issue.addIssue({
            code: 'custom',
            path: ['payloadFile'],
            message: 'give `payload` or `payloadFile`, not both',
          });
        }
        if (p.logType === 'Tail' && p.invocationType !== 'RequestResponse') {
          issue.addIssue({ code: 'custom', path: ['logType'], message: 'a log tail comes only with RequestResponse' });
        }
      }),
    );
export type InvokeParams = z.infer<ReturnType<typeof invokeParams>>;

const qualifier = () =>
  z.optional(
    z.union([z.string().check(z.minLength(1)), z.pipe(z.number().check(z.int(), z.gte(1)), z.transform(String))]),
  );

export const addPermissionParams = () =>
  z.strictObject({
    functionName: functionName(),
    statementId: z.string().check(z.minLength(1), z.maxLength(100)),
    /** @default lambda:InvokeFunction */
    action: z._default(z.string().check(z.minLength(1)), 'lambda:InvokeFunction'),
    /** A service (`s3.amazonaws.com`), an account id, an ARN, or `*`. */
    principal: z.string().check(z.minLength(1)),
    sourceArn: z.optional(z.string().check(z.minLength(1))),
    sourceAccount: z.optional(z.string().check(z.regex(/^\d{12}$/))),
    eventSourceToken: z.optional(z.string().check(z.minLength(1))),
    principalOrgID: z.optional(z.string().check(z.minLength(1))),
    functionUrlAuthType: z.optional(z.enum(['NONE', 'AWS_IAM'])),
    /** A version or alias whose policy gets the statement. */
    qualifier: qualifier(),
  });
export type AddPermissionParams = z.infer<ReturnType<typeof addPermissionParams>>;

export const pruneParams = () =>
  z.strictObject({
    functionName: functionName(),
    /** How many of the newest versions to keep (besides any version an alias routes to). */
    keep: z.number().check(z.int(), z.gte(0)),
  });

export const removePermissionParams = () =>
  z.strictObject({
    functionName: functionName(),
    statementId: z.string().check(z.minLength(1), z.maxLength(100)),
    qualifier: qualifier(),
    /** Succeed, with a skip, when there is no such statement. @default false */
    doNotFailIfNotExists: z._default(z.boolean(), false),
  });

export const publishVersionParams = () =>
  z.strictObject({
    functionName: functionName(),
    /** The version's description. */
    description: z.optional(z.string().check(z.maxLength(256))),
    wait: waitParam(),
  });

export type AliasParams = z.infer<ReturnType<typeof aliasParams>>;
export type CreateParams = z.infer<ReturnType<typeof createParams>>;
export type UpdateCodeParams = z.infer<ReturnType<typeof updateCodeParams>>;
export type UpdateConfigurationParams = z.infer<ReturnType<typeof updateConfigurationParams>>;
export type DeleteParams = z.infer<ReturnType<typeof deleteParams>>;
export type RemovePermissionParams = z.infer<ReturnType<typeof removePermissionParams>>;
export type PublishVersionParams = z.infer<ReturnType<typeof publishVersionParams>>;
export type PruneParams = z.infer<ReturnType<typeof pruneParams>>;
