/**
 * Action parameters are the AWS API's member names in lowerCamelCase (`memorySize`,
 * `environment: { variables }`), so users can guess them from the AWS docs; the SDK wants
 * PascalCase (`MemorySize`, `Environment: { Variables }`). This maps one to the other, for every
 * task. Free-form maps (environment variables, tags, metadata, routing weights) are data, not
 * members: their keys are kept as written.
 */

/** Members whose PascalCase is not the lowerCamelCase name with a capital first letter. */
const IRREGULAR: Readonly<Record<string, string>> = {
  kmsKeyArn: 'KMSKeyArn',
  sseKmsKeyId: 'SSEKMSKeyId',
  sseKmsEncryptionContext: 'SSEKMSEncryptionContext',
  sseCustomerAlgorithm: 'SSECustomerAlgorithm',
  sseCustomerKey: 'SSECustomerKey',
  sseCustomerKeyMd5: 'SSECustomerKeyMD5',
  documentDbEventSourceConfig: 'DocumentDBEventSourceConfig',
  uri: 'URI',
  schemaRegistryUri: 'SchemaRegistryURI',
};

const REGULAR_BACK: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(IRREGULAR).map(([camel, pascal]) => [pascal, camel]),
);

/**
 * Members whose value is a map of the user's own keys (AWS names): `Variables`, `Tags`,
 * `Metadata`, `AdditionalVersionWeights`. Tasks may pass more.
 */
export const FREE_FORM_MAPS: ReadonlySet<string> = new Set([
  'Variables',
  'Tags',
  'Metadata',
  'AdditionalVersionWeights',
]);

/** `memorySize` -> `MemorySize`, `kmsKeyArn` -> `KMSKeyArn`. */
export function awsName(name: string): string {
  return IRREGULAR[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
}

/** `MemorySize` -> `memorySize`, `KMSKeyArn` -> `kmsKeyArn` (for messages and plans). */
export function paramName(member: string): string {
  const known = REGULAR_BACK[member];
  if (known) return known;
  // A leading acronym is lowercased as a whole: `VPCConfig` -> `vpcConfig`.
  const acronym = /^[A-Z]+(?=[A-Z][a-z]|$)/.exec(member)?.[0];
  if (acronym && acronym.length > 1) return acronym.toLowerCase() + member.slice(acronym.length);
  return member.charAt(0).toLowerCase() + member.slice(1);
}

/**
 * Deeply renames object keys from lowerCamelCase to the SDK's PascalCase; values of the members in
 * `freeForm` (by AWS name) are copied as they are. Undefined values are dropped.
 */
export function toAwsShape<T = Record<string, unknown>>(value: unknown, freeForm = FREE_FORM_MAPS): T {
  return convert(value, freeForm) as T;
}

function convert(value: unknown, freeForm: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, freeForm));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const name = awsName(key);
    out[name] = freeForm.has(name) ? v : convert(v, freeForm);
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
