/**
 * Parameters of the lambda-function actions: CreateFunction's members in lowerCamelCase (so they
 * can be looked up in the Lambda API reference) plus the task's own options (`publish`, `alias`,
 * `wait`). `toConfiguration` turns the configuration members into the SDK's input shape.
 */
import type { CreateFunctionRequest } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { toAwsShape } from '../aws-names.js';

/** A name (`hello`), a partial ARN (`000000000000:function:hello`) or an ARN. */
export const functionName = z.string().min(1).max(170);

/** Environment values may be written as YAML numbers or booleans; Lambda wants strings. */
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** The configuration members of CreateFunction / UpdateFunctionConfiguration. */
export const configurationShape = {
  runtime: z.string().min(1).optional(),
  handler: z.string().min(1).max(128).optional(),
  role: z.string().min(1).optional(),
  /** Seconds. AWS's default: 3. */
  timeout: z.number().int().min(1).max(900).optional(),
  /** MB. AWS's default: 128. */
  memorySize: z.number().int().min(128).max(10_240).optional(),
  description: z.string().max(256).optional(),
  /** The complete set of variables: ones not listed are removed. */
  environment: z.strictObject({ variables: z.record(z.string(), envValue).default({}) }).optional(),
  /** Layer version ARNs, in order. */
  layers: z.array(z.string().min(1)).max(5).optional(),
  architectures: z
    .array(z.enum(['x86_64', 'arm64']))
    .length(1)
    .optional(),
  ephemeralStorage: z.strictObject({ size: z.number().int().min(512).max(10_240) }).optional(),
  /** An SQS queue or SNS topic ARN; an empty string removes it. */
  deadLetterConfig: z.strictObject({ targetArn: z.string() }).optional(),
  tracingConfig: z.strictObject({ mode: z.enum(['Active', 'PassThrough']) }).optional(),
  loggingConfig: z
    .strictObject({
      logFormat: z.enum(['JSON', 'Text']).optional(),
      applicationLogLevel: z.enum(logLevels).optional(),
      systemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional(),
      logGroup: z.string().min(1).optional(),
    })
    .optional(),
  kmsKeyArn: z.string().optional(),
  vpcConfig: z
    .strictObject({
      subnetIds: z.array(z.string()).optional(),
      securityGroupIds: z.array(z.string()).optional(),
      ipv6AllowedForDualStack: z.boolean().optional(),
    })
    .optional(),
};

export const CONFIGURATION_KEYS = Object.keys(configurationShape) as (keyof typeof configurationShape)[];

/** The function's code: a local zip or directory (zipped reproducibly), or an S3 object. */
export const codeParam = z
  .strictObject({
    /** A local .zip file, or a directory to zip (honouring .lambdaignore), relative to the pipeline file. */
    zipFile: z.string().min(1).optional(),
    s3Bucket: z.string().min(3).optional(),
    s3Key: z.string().min(1).optional(),
    s3ObjectVersion: z.string().min(1).optional(),
  })
  .superRefine((code, issue) => {
    const s3 = code.s3Bucket !== undefined || code.s3Key !== undefined || code.s3ObjectVersion !== undefined;
    if (code.zipFile !== undefined && s3) {
      issue.addIssue({ code: 'custom', message: 'give `zipFile` or `s3Bucket` and `s3Key`, not both' });
    } else if (code.zipFile === undefined && (code.s3Bucket === undefined || code.s3Key === undefined)) {
      issue.addIssue({ code: 'custom', message: 'give `zipFile`, or `s3Bucket` and `s3Key`' });
    }
  });
export type CodeParam = z.infer<typeof codeParam>;

export const tagsParam = z.record(z.string(), z.string());

/** `wait`: after the last change, wait until LastUpdateStatus is Successful. @default true */
export const waitParam = z.boolean().default(true);

type ConfigurationParams = { [K in keyof typeof configurationShape]?: z.infer<(typeof configurationShape)[K]> };

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

/** The ARN's or name's function name, for messages: `arn:...:function:hello` -> `hello`. */
export function shortName(name: string): string {
  const match = /(?:^|:)function:([^:]+)/.exec(name);
  return match?.[1] ?? name;
}
