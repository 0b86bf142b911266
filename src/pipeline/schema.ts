// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * The pipeline file's shape, strict (unknown keys are errors). Each step's `with` is checked
 * against its action's own schema separately (params.ts), after placeholders are accounted for;
 * references between parts (step ids, outputs, variables, connections) are checked in
 * validate.ts.
 */
import { DURATION_PATTERN } from './duration.js';
import * as z from './zod.js';

// Descriptions (for the JSON Schema editors read) are registered on the schema itself rather than
// with a `z.describe()` check (classic zod's `.describe()`), which copies the schema: every command
// builds this schema at start, and the copies were a third of that.

export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const CONNECTION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const durationSchema = z
  .union([
    z.number().check(z.positive()),
    z
      .string()
      .check(z.regex(DURATION_PATTERN, 'expected a duration such as 30s, 10m, 1h, 1500ms or a number of seconds')),
  ])
  .register(z.globalRegistry, { description: 'A duration: 30s, 10m, 1h, 1500ms, or a number of seconds.' });

const envName = (what: string) =>
  z
    .string()
    .check(z.regex(ENV_NAME_PATTERN, 'expected the name of an environment variable'))
    .register(z.globalRegistry, { description: what });

export const assumeRoleSchema = z
  .strictObject({
    roleArn: z
      .string()
      .check(z.minLength(20))
      .register(z.globalRegistry, { description: 'The role to assume: arn:aws:iam::123456789012:role/deploy.' }),
    externalId: z.optional(z.string().check(z.minLength(2), z.maxLength(1224))),
    sessionName: z
      .optional(
        z.string().check(z.regex(/^[\w+=,.@-]{2,64}$/, 'expected 2-64 characters of letters, digits and +=,.@_-')),
      )
      .register(z.globalRegistry, { description: '@default lambda-tasks-<time>' }),
    durationSeconds: z
      .optional(z.int().check(z.gte(900), z.lte(43200)))
      .register(z.globalRegistry, { description: '@default 3600' }),
  })
  .register(z.globalRegistry, { description: 'Assume this role (through STS) with the connection’s credentials.' });

export const connectionSchema = z
  .strictObject({
    type: z.optional(z.enum(['local', 'aws'])).register(z.globalRegistry, {
      description:
        'local: the local cloud (endpoint and test credentials as for the `local` connection); aws: AWS itself. @default aws',
    }),
    profile: z
      .optional(z.string().check(z.minLength(1)))
      .register(z.globalRegistry, { description: 'A profile of the shared AWS config and credentials files.' }),
    region: z
      .optional(z.string().check(z.minLength(1)))
      .register(z.globalRegistry, { description: 'The default region of the steps using this connection.' }),
    endpoint: z
      .optional(z.string().check(z.minLength(1)))
      .register(z.globalRegistry, { description: 'One endpoint URL for every service.' }),
    accessKeyIdEnv: z.optional(envName('The environment variable holding the access key id.')),
    secretAccessKeyEnv: z.optional(envName('The environment variable holding the secret access key.')),
    sessionTokenEnv: z.optional(envName('The environment variable holding the session token.')),
    assumeRole: z.optional(assumeRoleSchema),
  })
  .check(
    z.superRefine((value, ctx) => {
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
    }),
  );

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
        .optional(z.boolean())
        .register(z.globalRegistry, { description: 'Mask the value as **** in every log, report and outputs file.' }),
      description: z.optional(z.string()),
    }),
  ])
  .register(z.globalRegistry, {
    description: 'A value, or { value, secret: true } for a secret. Overridden by --var name=value.',
  });

export const stepSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(STEP_ID_PATTERN, 'expected letters, digits, "-" and "_", starting with a letter'))
    .register(z.globalRegistry, { description: 'Names the step in ${steps.<id>.outputs.<name>}, --only and --from.' }),
  task: z
    .string()
    .check(z.minLength(1))
    .register(z.globalRegistry, { description: 'The task: package, s3-object, lambda-function, ...' }),
  action: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: "The task's action; optional when the task has a default action." }),
  with: z.optional(z.unknown()).register(z.globalRegistry, { description: "The action's parameters." }),
  region: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: "The step's region. @default the connection's, then the pipeline's" }),
  connection: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: 'A connection: local, aws, or a name under connections.' }),
  if: z
    .optional(z.union([z.string().check(z.minLength(1)), z.boolean()]))
    .register(z.globalRegistry, { description: "Run only when this holds: ${vars.env} == 'prod' && !${vars.skip}." }),
  continueOnError: z
    .optional(z.boolean())
    .register(z.globalRegistry, { description: 'Go on with the next step when this one fails. @default false' }),
  timeout: z
    .optional(durationSchema)
    .register(z.globalRegistry, { description: 'Fail the step after this long. @default 1h' }),
});

export const pipelineSchema = z.strictObject({
  name: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: "Shown in reports. @default the file's name" }),
  region: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: '@default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1' }),
  connection: z
    .optional(z.string().check(z.minLength(1)))
    .register(z.globalRegistry, { description: 'The connection steps use unless they name one. @default local' }),
  connections: z.optional(
    z.record(
      z.string().check(z.regex(CONNECTION_NAME_PATTERN, 'expected letters, digits, "-" and "_"')),
      connectionSchema,
    ),
  ),
  variables: z.optional(
    z.record(z.string().check(z.regex(VARIABLE_NAME_PATTERN, 'expected letters, digits, "-" and "_"')), variableSchema),
  ),
  steps: z.array(stepSchema).check(z.minLength(1, 'a pipeline needs at least one step')),
});

export type ConnectionSpec = z.infer<typeof connectionSchema>;
