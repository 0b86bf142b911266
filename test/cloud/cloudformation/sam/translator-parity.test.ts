/**
 * The local SAM transform against the reference: aws-sam-translator (the Python package AWS's
 * transform is built from) translates every template of test/fixtures/sam/, and so does the local
 * cloud's transform; the two outputs must be equal, up to the differences listed in DELIBERATE.
 * Python runs once for the whole corpus.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../src/cloud/cloudformation/template/index.js';
import { processTemplateBody } from '../../../../src/cloud/cloudformation/transforms/index.js';
import { AwsError } from '../../../../src/cloud/errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '../../../fixtures/sam');
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/**
 * What is normalised before comparing, and why. Everything else must be identical.
 */
const DELIBERATE = [
  {
    what: 'DependsOn lists are compared as sets',
    why: "the translator builds a bucket's DependsOn from a Python set, whose order varies from run to run; CloudFormation treats DependsOn as a set",
  },
];

type Translation = { template: Record<string, unknown> } | { error: string };

const corpus = Object.fromEntries(
  readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => [file.replace(/\.yaml$/, ''), parseTemplate(readFileSync(join(FIXTURES, file), 'utf8'))]),
);

let reference: Record<string, Translation> = {};

beforeAll(() => {
  const parameters = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT };
  const output = execFileSync('python3', [join(here, 'translate.py')], {
    input: JSON.stringify({ parameters, templates: corpus }),
    encoding: 'utf8',
    // The translator prints metrics notices on stderr.
    stdio: ['pipe', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  reference = JSON.parse(output) as Record<string, Translation>;
}, 60_000);

function translateLocally(template: unknown): Translation {
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

function normalise(template: Record<string, unknown>): Record<string, unknown> {
  const resources = (template['Resources'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const declared of Object.values(resources)) {
    if (Array.isArray(declared['DependsOn'])) declared['DependsOn'] = [...declared['DependsOn']].sort();
  }
  return template;
}

describe('the SAM transform matches aws-sam-translator', () => {
  it('lists its deliberate differences with their reasons', () => {
    for (const difference of DELIBERATE) expect(difference.why.length).toBeGreaterThan(20);
  });

  it.each(Object.keys(corpus))('%s', (name) => {
    const expected = reference[name];
    const actual = translateLocally(corpus[name]);
    if (!expected) throw new Error(`aws-sam-translator gave no answer for ${name}`);
    // The corpus names its failing templates error-*: the reference must agree they fail.
    expect('error' in expected).toBe(name.startsWith('error-'));
    if ('error' in expected) {
      expect(actual).toEqual({ error: `Transform AWS::Serverless-2016-10-31 failed with: ${expected.error}` });
      return;
    }
    if ('error' in actual) throw new Error(`expected a translation of ${name}, got: ${actual.error}`);
    expect(normalise(actual.template)).toEqual(normalise(expected.template));
  });
});
