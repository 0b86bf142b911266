/**
 * Step outputs for CI systems.
 *
 * - `json`: `{ "steps": { "<step>": { "outputs": { ... } } } }`
 * - `dotenv`: `<STEP>_<OUTPUT>=value`, upper snake case (`DEPLOY_FUNCTION_ARN`), in GitLab's dialect
 *   (`artifacts: reports: dotenv`): values as they are, unquoted, since GitLab keeps quotes and
 *   backslashes as part of the value; it has no multi-line values, so a line break is written as
 *   the two characters `\n` (and a carriage return as `\r`). Docker's `--env-file` reads it the same
 *   way. GitLab's other limits (5 KB, 20 variables by default) are the instance's to set.
 * - `github`: `<step>_<output>=value` lines for $GITHUB_OUTPUT (multi-line values with the
 *   `name<<delimiter` syntax)
 * - `bamboo`: a properties file for Bamboo's "Inject Bamboo variables" task, with keys named like
 *   Tasks for AWS's variables: `custom.aws.lambda.function.<step>.functionArn`
 *
 * The secrets rule: a secret output (and any value showing a secret) is written as `****` unless
 * the caller asks for secrets (`--include-secrets`). When secrets are written for GitHub Actions,
 * each one is first announced with `::add-mask::` on stdout (one line of a multi-line value at a
 * time, as the runner masks per line), so the runner masks it in every later log line.
 */
import { randomBytes } from 'node:crypto';
import type { StepOutputs } from './runner.js';
import { MASK, type Secrets } from './secrets.js';

export const OUTPUTS_FORMATS = ['json', 'dotenv', 'github', 'bamboo'] as const;
export type OutputsFormat = (typeof OUTPUTS_FORMATS)[number];

export interface OutputsOptions {
  /** Write secret values as they are (otherwise `****`). @default false */
  includeSecrets?: boolean;
  /** For values that show a secret without being secret outputs themselves. */
  secrets?: Secrets;
  /** The heredoc delimiter for multi-line GitHub values. @default ghadelimiter_<random> */
  delimiter?: string;
}

/** One output, flattened, as it is to be written, and the secrets it shows. */
interface Entry {
  stepId: string;
  task: string;
  name: string;
  value: string | number | boolean;
  secrets: string[];
}

function entries(steps: Readonly<Record<string, StepOutputs>>, options: OutputsOptions): Entry[] {
  const out: Entry[] = [];
  for (const [stepId, step] of Object.entries(steps)) {
    for (const [name, raw] of Object.entries(step.outputs)) {
      const entry = { stepId, task: step.task, name };
      if (typeof raw === 'object') {
        out.push({ ...entry, value: options.includeSecrets ? raw.value : MASK, secrets: [raw.value] });
      } else if (typeof raw === 'string' && options.secrets) {
        // A plain output may still show a secret (an interpolated secret variable).
        const shown = options.secrets.foundIn(raw);
        out.push({ ...entry, value: options.includeSecrets ? raw : options.secrets.mask(raw), secrets: shown });
      } else {
        out.push({ ...entry, value: raw, secrets: [] });
      }
    }
  }
  return out;
}

/** The secrets `formatOutputs` would write as they are (to announce with `::add-mask::` first). */
export function revealedSecrets(steps: Readonly<Record<string, StepOutputs>>, options: OutputsOptions): string[] {
  if (!options.includeSecrets) return [];
  return [...new Set(entries(steps, options).flatMap((e) => e.secrets))];
}

/** `::add-mask::` lines for values about to be written, one per line of each value. */
export function githubMaskCommands(values: readonly string[]): string {
  const lines = new Set<string>();
  for (const value of values) {
    for (const line of value.split(/\r?\n/)) if (line.trim()) lines.add(line);
  }
  return [...lines].map((line) => `::add-mask::${line}\n`).join('');
}

export function formatOutputs(
  format: OutputsFormat,
  steps: Readonly<Record<string, StepOutputs>>,
  options: OutputsOptions = {},
): string {
  const list = entries(steps, options);
  switch (format) {
    case 'json': {
      const json: Record<string, { outputs: Record<string, string | number | boolean> }> = {};
      for (const [stepId] of Object.entries(steps)) json[stepId] = { outputs: {} };
      for (const e of list) (json[e.stepId] as { outputs: Record<string, unknown> }).outputs[e.name] = e.value;
      return `${JSON.stringify({ steps: json }, null, 2)}\n`;
    }
    case 'dotenv':
      return list.map((e) => `${snake(`${e.stepId}_${e.name}`)}=${dotenvValue(String(e.value))}\n`).join('');
    case 'github': {
      const delimiter = options.delimiter ?? `ghadelimiter_${randomBytes(16).toString('hex')}`;
      return list
        .map((e) => {
          const name = `${e.stepId}_${e.name}`;
          const value = String(e.value);
          return value.includes('\n') || value.includes('\r')
            ? `${name}<<${delimiter}\n${value}\n${delimiter}\n`
            : `${name}=${value}\n`;
        })
        .join('');
    }
    case 'bamboo':
      return list
        .map(
          (e) =>
            `${propertiesKey(`${bambooPrefix(e.task)}.${e.stepId}.${e.name}`)}=${propertiesValue(String(e.value))}\n`,
        )
        .join('');
  }
}

/** `deploy-fn` + `functionArn` -> `DEPLOY_FN_FUNCTION_ARN`. */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Tasks for AWS's variable prefixes: `custom.aws.<service>.<resource>`. */
const BAMBOO_PREFIX: Readonly<Record<string, string>> = {
  'lambda-function': 'custom.aws.lambda.function',
  'event-source-mapping': 'custom.aws.lambda.eventsourcemapping',
  's3-object': 'custom.aws.s3.object',
  'cloudformation-stack': 'custom.aws.cloudformation.stack',
  package: 'custom.aws.lambda.package',
};

export function bambooPrefix(task: string): string {
  return BAMBOO_PREFIX[task] ?? `custom.aws.${task.replace(/-/g, '.')}`;
}

/** A dotenv value on one line, otherwise as it is (see the `dotenv` format above). */
function dotenvValue(value: string): string {
  return value.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/** Java properties escaping (what Bamboo reads): backslashes, line breaks, leading spaces, non-ASCII. */
function propertiesValue(value: string): string {
  return escapeProperties(value).replace(/^ /, '\\ ');
}

function propertiesKey(key: string): string {
  return escapeProperties(key).replace(/([ =:#!])/g, '\\$1');
}

function escapeProperties(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code > 0x7e) {
      // UTF-16 units, as java.util.Properties expects.
      for (const unit of char.split('').map((c) => c.charCodeAt(0))) out += `\\u${unit.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return out;
}
