/**
 * evaluateConditions and validateConditions: the condition functions, conditions referring to
 * conditions, and what AWS refuses in the Conditions section.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateConditions,
  parseTemplate,
  type Template,
  TemplateError,
  validateConditions,
} from '../../../../src/cloud/cloudformation/template/index.js';
import { context } from './fixtures.js';

function template(conditions: string, parameters = '  Stage: {Type: String, Default: dev}\n'): Template {
  return parseTemplate(
    `Parameters:\n${parameters}Mappings:\n  M:\n    dev: {Flag: "on"}\nConditions:\n${conditions}Resources:\n  Topic: {Type: AWS::SNS::Topic}\n`,
  );
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('evaluateConditions', () => {
  it('evaluates Equals, And, Or, Not and Condition references', () => {
    const t = template(`  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Equals [prod, !Ref Stage]
  InEast: !Equals [!Ref AWS::Region, us-east-1]
  DevInEast: !And [!Condition IsDev, !Condition InEast]
  ProdOrDev: !Or [!Condition IsProd, !Condition IsDev, !Equals [a, b]]
  NotProd: !Not [!Condition IsProd]
  FlagOn: !Equals [!FindInMap [M, !Ref Stage, Flag], "on"]
  SubMatch: !Equals [!Sub "\${Stage}-\${AWS::AccountId}", dev-000000000000]
`);
    expect(evaluateConditions(t, context({ parameters: { Stage: 'dev' }, mappings: t.Mappings }))).toEqual({
      IsDev: true,
      IsProd: false,
      InEast: true,
      DevInEast: true,
      ProdOrDev: true,
      NotProd: true,
      FlagOn: true,
      SubMatch: true,
    });
  });

  it('compares what values print as', () => {
    const t = template(
      '  UseFallback: !Equals [true, !Ref Fallback]\n  Three: !Equals [3, "3"]\n',
      '  Fallback: {Type: String, AllowedValues: [true, false], Default: true}\n',
    );
    expect(evaluateConditions(t, context({ parameters: { Fallback: 'true' } }))).toEqual({
      UseFallback: true,
      Three: true,
    });
  });

  it('evaluates a condition referenced before it is declared', () => {
    const t = template('  Outer: !Not [!Condition Inner]\n  Inner: !Equals [a, a]\n');
    expect(evaluateConditions(t, context())).toEqual({ Outer: false, Inner: true });
  });

  it('reports a cycle', () => {
    const t = template('  A: !Not [!Condition B]\n  B: !Not [!Condition A]\n');
    expect(thrown(() => evaluateConditions(t, context()))).toBe(
      'Template format error: Circular dependency between conditions: [A, B]',
    );
  });

  it('refuses references to resources', () => {
    const t = template('  HasTopic: !Equals [!Ref Topic, x]\n');
    expect(thrown(() => evaluateConditions(t, context()))).toBe(
      'Template format error: Unresolved dependencies [Topic]. Cannot reference resources in the Conditions block of the template',
    );
  });

  it('checks the arity of each function', () => {
    expect(thrown(() => evaluateConditions(template('  C: !Equals [a]\n'), context()))).toBe(
      'Template error: every Fn::Equals object requires a list of 2 string parameters.',
    );
    expect(thrown(() => evaluateConditions(template('  C: !And [!Equals [a, a]]\n'), context()))).toBe(
      'Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.',
    );
    const eleven = Array.from({ length: 11 }, () => '!Equals [a, a]').join(', ');
    expect(thrown(() => evaluateConditions(template(`  C: !Or [${eleven}]\n`), context()))).toBe(
      'Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.',
    );
    expect(thrown(() => evaluateConditions(template('  C: !Not [!Equals [a, a], !Equals [a, a]]\n'), context()))).toBe(
      'Template error: Fn::Not requires a list argument with one element',
    );
  });
});

describe('validateConditions', () => {
  it('accepts a well-formed section', () => {
    expect(() =>
      validateConditions(template('  A: !Equals [!Ref Stage, dev]\n  B: !Not [!Condition A]\n')),
    ).not.toThrow();
  });

  it('refuses resources, unknown conditions, cycles and non-boolean conditions', () => {
    expect(thrown(() => validateConditions(template('  A: !Equals [!GetAtt Topic.TopicName, x]\n')))).toBe(
      'Template format error: Unresolved dependencies [Topic]. Cannot reference resources in the Conditions block of the template',
    );
    expect(thrown(() => validateConditions(template('  A: !Not [!Condition Missing]\n')))).toBe(
      'Template format error: Unresolved condition dependencies [Missing] in the Conditions block of the template',
    );
    expect(
      thrown(() => validateConditions(template('  A: !And [!Condition B, !Condition A]\n  B: !Equals [a, a]\n'))),
    ).toBe('Template format error: Circular dependency between conditions: [A]');
    expect(thrown(() => validateConditions(template('  A: "true"\n')))).toBe(
      'Template error: Conditions can only be boolean operations on parameters and other conditions',
    );
  });
});
