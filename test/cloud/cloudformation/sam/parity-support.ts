/**
 * What the two parity tests share: a corpus of fixture templates, one run of a Python reference
 * (aws-sam-translator, cfn-lint) over all of it, and the local transforms' answer for a template.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTemplate } from '../../../../src/cloud/cloudformation/template/index.js';
import { processTemplateBody } from '../../../../src/cloud/cloudformation/transforms/index.js';
import { AwsError } from '../../../../src/cloud/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

/** An expansion, or the error it fails with. */
export type Expansion = { template: Record<string, unknown> } | { error: string };

/** The templates of test/fixtures/<folder>/*.yaml by file name (without .yaml), sorted. */
export function readCorpus(folder: string): Record<string, unknown> {
  const fixtures = join(here, '../../../fixtures', folder);
  return Object.fromEntries(
    readdirSync(fixtures)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => [file.replace(/\.yaml$/, ''), parseTemplate(readFileSync(join(fixtures, file), 'utf8'))]),
  );
}

/** Runs `script` (beside this file) once with `input` as JSON on stdin; its JSON answer per template. */
export function runReference(script: string, input: Record<string, unknown>): Record<string, Expansion> {
  const output = execFileSync('python3', [join(here, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    // The references print notices (metrics, lint) on stderr.
    stdio: ['pipe', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as Record<string, Expansion>;
}

/** The local transforms' expansion of `template`, or the CloudFormation error it fails with. */
export function expandLocally(template: unknown): Expansion {
  try {
    const body = processTemplateBody(JSON.stringify(template), {
      accountId: ACCOUNT,
      region: REGION,
      stackName: 'parity',
      stackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/parity/0`,
      parameters: [],
    });
    return { template: JSON.parse(body) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof AwsError) return { error: error.message };
    throw error;
  }
}
