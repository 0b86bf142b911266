/**
 * The local SAM transform against the reference: aws-sam-translator (the Python package AWS's
 * transform is built from) translates every template of test/fixtures/sam/, and so does the local
 * cloud's transform; the two outputs must be equal, up to the differences listed in DELIBERATE.
 * Python runs once for the whole corpus.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, type Expansion, expandLocally, REGION, readCorpus, runReference } from './parity-support.js';

/**
 * What is normalised before comparing, and why. Everything else must be identical.
 */
const DELIBERATE = [
  {
    what: 'DependsOn lists are compared as sets',
    why: "the translator builds a bucket's DependsOn from a Python set, whose order varies from run to run; CloudFormation treats DependsOn as a set",
  },
];

const corpus = readCorpus('sam');

let reference: Record<string, Expansion> = {};

beforeAll(() => {
  reference = runReference('translate.py', {
    parameters: { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT },
    templates: corpus,
  });
}, 60_000);

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
    const actual = expandLocally(corpus[name]);
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
