// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The pipeline file's shape, strict (unknown keys are errors). Each step's `with` is checked
 * against its action's own schema separately (params.ts), after placeholders are accounted for;
 * references between parts (step ids, outputs, variables, connections) are checked in
 * validate.ts.
 */
import * as z from 'zod';
import { DURATION_PATTERN } from './duration.js';

// Descriptions (for the JSON Schema editors read) are registered on the schema itself rather than
// with `.describe()`, which copies the schema: every command builds this schema at start, and the
// copies were a third of that.

export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const CONNECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const durationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(DURATION_PATTERN, 'expected a duration such as 30s, 10m, 1h, 1500ms or a number of seconds'),
  ])
  .register(z.globalRegistry, { description: 'A duration: 30s, 10m, 1h, 1500ms, or a number of seconds.' });

const envName = (what: string) =>
  z
    .string()
    .regex(ENV_NAME_PATTERN, 'expected the name of an environment variable')
    .register(z.globalRegistry, { description: what });

export const assumeRoleSchema = z
  .strictObject({
    roleArn: z
      .string()
      .min(20)
      .register(z.globalRegistry, { description: 'The role to assume: arn:aws:iam::123456789012:role/deploy.' }),
    externalId: z.string().min(2).max(1224).optional(),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, 'expected 2-64 characters of letters, digits and +=,.@_-')
      .optional()
      .register(z.globalRegistry, { description: '@default lambda-tasks-<time>' }),
    durationSeconds: z
      .int()
      .min(900)
      .max(43200)
      .optional()
      .register(z.globalRegistry, { description: '@default 3600' }),
  })
  .register(z.globalRegistry, { description: 'Assume this role (through STS) with the connection’s credentials.' });

export const connectionSchema = z
  .strictObject({
    type: z.enum(['local', 'aws']).optional().register(z.globalRegistry, {
      description:
        'local: the local cloud (endpoint and test credentials as for the `local` connection); aws: AWS itself. @default aws',
    }),
    profile: z
      .string()
      .min(1)
      .optional()
      .register(z.globalRegistry, { description: 'A profile of the shared AWS config and credentials files.' }),
    region: z
      .string()
      .min(1)
      .optional()
      .register(z.globalRegistry, { description: 'The default region of the steps using this connection.' }),
    endpoint: z
      .string()
      .min(1)
      .optional()
      .register(z.globalRegistry, { description: 'One endpoint URL for every service.' }),
    accessKeyIdEnv: envName('The environment variable holding the access key id.').optional(),
    secretAccessKeyEnv: envName('The environment variable holding the secret access key.').optional(),
    sessionTokenEnv: envName('The environment variable holding the session token.').optional(),
    assumeRole: assumeRoleSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (Boolean(value.accessKeyIdEnv) !== Boolean(value.secretAccessKeyEnv)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.accessKeyIdEnv ? 'secretAccessKeyEnv' : 'accessKeyIdEnv'],
        message: 'accessKeyIdEnv and secretAccessKeyEnv go together: name both environment variables',
      });
    }
    if (value.sessionTokenEnv && !value.accessKeyIdEnv) {
      ctx.addIssue({
        code: 'custom',
        path: ['sessionTokenEnv'],
        message: 'sessionTokenEnv needs accessKeyIdEnv and secretAccessKeyEnv',
      });
    }
  });

const jsonValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

export const variableSchema = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.array(z.unknown()),
    z.strictObject({
      value: jsonValue,
      secret: z
        .boolean()
        .optional()
        .register(z.globalRegistry, { description: 'Mask the value as **** in every log, report and outputs file.' }),
      description: z.string().optional(),
    }),
  ])
  .register(z.globalRegistry, {
    description: 'A value, or { value, secret: true } for a secret. Overridden by --var name=value.',
  });

export const stepSchema = z.strictObject({
  id: z
    .string()
    .regex(STEP_ID_PATTERN, 'expected letters, digits, "-" and "_", starting with a letter')
    .register(z.globalRegistry, { description: 'Names the step in ${steps.<id>.outputs.<name>}, --only and --from.' }),
  task: z
    .string()
    .min(1)
    .register(z.globalRegistry, { description: 'The task: package, s3-object, lambda-function, ...' }),
  action: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: "The task's action; optional when the task has a default action." }),
  with: z.unknown().optional().register(z.globalRegistry, { description: "The action's parameters." }),
  region: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: "The step's region. @default the connection's, then the pipeline's" }),
  connection: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: 'A connection: local, aws, or a name under connections.' }),
  if: z
    .union([z.string().min(1), z.boolean()])
    .optional()
    .register(z.globalRegistry, { description: "Run only when this holds: ${vars.env} == 'prod' && !${vars.skip}." }),
  continueOnError: z
    .boolean()
    .optional()
    .register(z.globalRegistry, { description: 'Go on with the next step when this one fails. @default false' }),
  timeout: durationSchema
    .optional()
    .register(z.globalRegistry, { description: 'Fail the step after this long. @default 1h' }),
});

export const pipelineSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: "Shown in reports. @default the file's name" }),
  region: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: '@default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1' }),
  connection: z
    .string()
    .min(1)
    .optional()
    .register(z.globalRegistry, { description: 'The connection steps use unless they name one. @default local' }),
  connections: z
    .record(z.string().regex(CONNECTION_NAME_PATTERN, 'expected letters, digits, "-" and "_"'), connectionSchema)
    .optional(),
  variables: z
    .record(z.string().regex(VARIABLE_NAME_PATTERN, 'expected letters, digits, "-" and "_"'), variableSchema)
    .optional(),
  steps: z.array(stepSchema).min(1, 'a pipeline needs at least one step'),
});

export type ConnectionSpec = z.infer<typeof connectionSchema>;
