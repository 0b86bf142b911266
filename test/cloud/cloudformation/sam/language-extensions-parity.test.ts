/**
 * The local AWS::LanguageExtensions transform against a reference: cfn-lint's expansion of
 * Fn::ForEach (cfn-lint 1.51, `cfnlint.template.transforms._language_extensions`) over every
 * template of test/fixtures/language-extensions/. The outputs must be equal, up to the differences
 * listed in DELIBERATE. Python runs once for the whole corpus. Templates named error-* must fail in
 * both, locally with CloudFormation's sentence (cfn-lint words its own).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Expansion, expandLocally, readCorpus, runReference } from './parity-support.js';

/** Where the local transform follows CloudFormation rather than cfn-lint; kept out of the corpus. */
const DELIBERATE = [
  {
    what: 'error messages',
    why: "cfn-lint words its own lint messages; the local transform answers CloudFormation's sentences, checked below",
  },
  {
    what: 'intrinsic DeletionPolicy / UpdateReplacePolicy',
    why: 'cfn-lint leaves them as written; CloudFormation resolves them to their option at transform time (tested by deploying)',
  },
  {
    what: '&{Identifier} inside Fn::Sub, and placeholders in keys below the fragment',
    why: 'cfn-lint substitutes them; CloudFormation keeps them literal (measured against an account by ministack)',
  },
  {
    what: 'Fn::ToJsonString inside a loop',
    why: 'cfn-lint leaves its argument as written; the local transform substitutes Refs to the identifier so the engine can evaluate it',
  },
  {
    what: 'a collection that does not resolve',
    why: 'cfn-lint invents random items to keep linting; CloudFormation refuses the template',
  },
];

/** CloudFormation's answer for each failing template of the corpus. */
const EXPECTED_ERRORS: Record<string, string> = {
  'error-layout': 'Fn::ForEach layout is incorrect',
  'error-duplicate': "Duplicate key 'Queue' when merging keys to parent object in Fn::ForEach",
};

const corpus = readCorpus('language-extensions');

let reference: Record<string, Expansion> = {};

beforeAll(() => {
  reference = runReference('language-extensions.py', { templates: corpus });
}, 60_000);

describe('AWS::LanguageExtensions matches cfn-lint', () => {
  it('lists its deliberate differences with their reasons', () => {
    for (const difference of DELIBERATE) expect(difference.why.length).toBeGreaterThan(20);
  });

  it.each(Object.keys(corpus))('%s', (name) => {
    const expected = reference[name];
    if (!expected) throw new Error(`cfn-lint gave no answer for ${name}`);
    const actual = expandLocally(corpus[name]);
    expect('error' in expected).toBe(name.startsWith('error-'));
    if ('error' in expected) {
      expect(actual).toEqual({ error: `Transform AWS::LanguageExtensions failed with: ${EXPECTED_ERRORS[name]}` });
      return;
    }
    if ('error' in actual) throw new Error(`expected an expansion of ${name}, got: ${actual.error}`);
    expect(actual.template).toEqual(expected.template);
  });
});
