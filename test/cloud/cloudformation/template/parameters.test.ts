/**
 * resolveParameters and maskParameters: defaults, UsePreviousValue, every parameter type, every
 * constraint, and AWS's messages for each failure.
 */
import { describe, expect, it } from 'vitest';
import {
  type GivenParameter,
  maskParameters,
  type ParameterDecl,
  parameterKind,
  resolveParameters,
  TemplateError,
} from '../../../../src/cloud/cloudformation/template/index.js';

function given(values: Record<string, string>): GivenParameter[] {
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

function failure(
  decls: Record<string, ParameterDecl> | undefined,
  input: GivenParameter[],
  previous?: Record<string, string>,
): string {
  try {
    resolveParameters(decls, input, previous);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('values', () => {
  it('takes given values, then defaults', () => {
    const decls: Record<string, ParameterDecl> = {
      Stage: { Type: 'String', Default: 'dev' },
      Memory: { Type: 'Number', Default: 128 },
      Name: { Type: 'String' },
    };
    const resolved = resolveParameters(decls, given({ Name: 'app' }));
    expect(resolved.values).toEqual({ Stage: 'dev', Memory: '128', Name: 'app' });
    expect(resolved.raw).toEqual({ Stage: 'dev', Memory: '128', Name: 'app' });
    expect(resolved.noEcho.size).toBe(0);
  });

  it('accepts an empty string as a given value', () => {
    expect(resolveParameters({ Name: { Type: 'String' } }, given({ Name: '' })).values).toEqual({ Name: '' });
  });

  it('reports every parameter without a value', () => {
    const decls: Record<string, ParameterDecl> = {
      A: { Type: 'String' },
      B: { Type: 'String' },
      C: { Type: 'String', Default: 'x' },
    };
    expect(failure(decls, [])).toBe('Parameters: [A, B] must have values');
  });

  it('reports parameters the template does not declare', () => {
    expect(failure({ A: { Type: 'String', Default: 'a' } }, given({ Nope: '1', Other: '2' }))).toBe(
      'Parameters: [Nope, Other] do not exist in the template',
    );
    expect(failure(undefined, given({ Nope: '1' }))).toBe(
      'Parameter values specified for a template which does not require them.',
    );
  });
});

describe('UsePreviousValue', () => {
  const decls: Record<string, ParameterDecl> = { Stage: { Type: 'String', Default: 'dev' } };

  it('takes the previous value', () => {
    const resolved = resolveParameters(decls, [{ ParameterKey: 'Stage', UsePreviousValue: true }], { Stage: 'prod' });
    expect(resolved.values).toEqual({ Stage: 'prod' });
  });

  it('refuses it without a previous value, or together with a value', () => {
    expect(failure(decls, [{ ParameterKey: 'Stage', UsePreviousValue: true }])).toBe(
      'Invalid input for parameter key Stage. Cannot specify usePreviousValue as true for a parameter key not in the previous template',
    );
    expect(failure(decls, [{ ParameterKey: 'Stage', UsePreviousValue: true }], { Other: 'x' })).toMatch(
      /for a parameter key not in the previous template$/,
    );
    expect(
      failure(decls, [{ ParameterKey: 'Stage', ParameterValue: 'x', UsePreviousValue: true }], { Stage: 'a' }),
    ).toBe(
      'Invalid input for parameter key Stage. Cannot specify usePreviousValue as true and non empty value for a parameter',
    );
  });
});

describe('types', () => {
  it('knows every AWS parameter type', () => {
    expect(parameterKind('String')).toBe('string');
    expect(parameterKind('Number')).toBe('number');
    expect(parameterKind('List<Number>')).toBe('numberList');
    expect(parameterKind('CommaDelimitedList')).toBe('list');
    expect(parameterKind('AWS::EC2::KeyPair::KeyName')).toBe('string');
    expect(parameterKind('AWS::SSM::Parameter::Name')).toBe('string');
    expect(parameterKind('List<AWS::EC2::Subnet::Id>')).toBe('list');
    expect(parameterKind('AWS::SSM::Parameter::Value<String>')).toBe('ssm');
    expect(parameterKind('AWS::SSM::Parameter::Value<List<AWS::EC2::Image::Id>>')).toBe('ssm');
    expect(parameterKind('Bool')).toBeUndefined();
    expect(parameterKind('List<String>')).toBeUndefined();
  });

  it('splits lists, trimming each member', () => {
    const decls: Record<string, ParameterDecl> = {
      Zones: { Type: 'CommaDelimitedList' },
      Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
      Ports: { Type: 'List<Number>', Default: '80, 443' },
      Key: { Type: 'AWS::EC2::KeyPair::KeyName' },
    };
    const resolved = resolveParameters(decls, given({ Zones: 'a, b ,c', Subnets: 'subnet-1,subnet-2', Key: 'my-key' }));
    expect(resolved.values).toEqual({
      Zones: ['a', 'b', 'c'],
      Subnets: ['subnet-1', 'subnet-2'],
      Ports: ['80', '443'],
      Key: 'my-key',
    });
    expect(resolved.raw['Zones']).toBe('a, b ,c');
  });

  it('joins a list written as the Default of a list parameter', () => {
    const resolved = resolveParameters({ Zones: { Type: 'CommaDelimitedList', Default: ['a', 'b'] } }, []);
    expect(resolved.values).toEqual({ Zones: ['a', 'b'] });
  });

  it('checks numbers', () => {
    expect(failure({ Value: { Type: 'Number' } }, given({ Value: 'not-a-number' }))).toBe(
      "Parameter 'Value' must be a number.",
    );
    expect(failure({ Ports: { Type: 'List<Number>' } }, given({ Ports: '80,http' }))).toBe(
      "Parameter 'Ports' must be a number.",
    );
    expect(resolveParameters({ V: { Type: 'Number' } }, given({ V: '-1.5e3' })).values).toEqual({ V: '-1.5e3' });
  });

  it('refuses an unknown type and the SSM types', () => {
    expect(failure({ Flag: { Type: 'Bool', Default: 'true' } }, [])).toBe(
      'Template format error: Unrecognized parameter type: Bool',
    );
    expect(failure({ Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/ami' } }, [])).toMatch(
      /^Template format error: Parameter Ami has type AWS::SSM::Parameter::Value<String>, .*no SSM Parameter Store yet/,
    );
  });
});

describe('constraints', () => {
  it('AllowedValues', () => {
    const decls: Record<string, ParameterDecl> = { Stage: { Type: 'String', AllowedValues: ['dev', 'prod'] } };
    expect(resolveParameters(decls, given({ Stage: 'prod' })).values).toEqual({ Stage: 'prod' });
    expect(failure(decls, given({ Stage: 'test' }))).toBe("Parameter 'Stage' must be one of AllowedValues");
    const numbers: Record<string, ParameterDecl> = { Size: { Type: 'Number', AllowedValues: [1, 2] } };
    expect(failure(numbers, given({ Size: '3' }))).toBe("Parameter 'Size' must be one of AllowedValues");
    const list: Record<string, ParameterDecl> = { Envs: { Type: 'CommaDelimitedList', AllowedValues: ['a', 'b'] } };
    expect(resolveParameters(list, given({ Envs: 'a,b' })).values).toEqual({ Envs: ['a', 'b'] });
    expect(failure(list, given({ Envs: 'a,c' }))).toBe("Parameter 'Envs' must be one of AllowedValues");
  });

  it('AllowedPattern matches the whole value', () => {
    const decls: Record<string, ParameterDecl> = { Name: { Type: 'String', AllowedPattern: '[a-z]+' } };
    expect(resolveParameters(decls, given({ Name: 'abc' })).values).toEqual({ Name: 'abc' });
    expect(failure(decls, given({ Name: 'abc1' }))).toBe("Parameter 'Name' must match pattern [a-z]+");
  });

  it('MinLength and MaxLength', () => {
    const decls: Record<string, ParameterDecl> = { Naming: { Type: 'String', MinLength: 12, MaxLength: '14' } };
    expect(failure(decls, given({ Naming: 'aws-ab-' }))).toBe("Parameter 'Naming' must contain at least 12 characters");
    expect(failure(decls, given({ Naming: 'aws-ab-customer-prod' }))).toBe(
      "Parameter 'Naming' must contain at most 14 characters",
    );
    expect(resolveParameters(decls, given({ Naming: 'aws-ab-cust-1' })).values).toEqual({ Naming: 'aws-ab-cust-1' });
  });

  it('MinValue and MaxValue', () => {
    const decls: Record<string, ParameterDecl> = { Count: { Type: 'Number', MinValue: 1, MaxValue: '3' } };
    expect(failure(decls, given({ Count: '0' }))).toBe("Parameter 'Count' must be a number not less than 1");
    expect(failure(decls, given({ Count: '3.5' }))).toBe("Parameter 'Count' must be a number not greater than 3");
    expect(resolveParameters(decls, given({ Count: '2' })).values).toEqual({ Count: '2' });
  });

  it('a ConstraintDescription replaces the detail', () => {
    const decls: Record<string, ParameterDecl> = {
      CreateVPNEndpoint: {
        Type: 'String',
        AllowedValues: ['false', 'true'],
        ConstraintDescription: "Must specify 'true' or 'false'",
      },
      Port: { Type: 'Number', MaxValue: 65535, ConstraintDescription: 'must be a port' },
    };
    expect(failure(decls, given({ CreateVPNEndpoint: 'yes', Port: '80' }))).toBe(
      "Parameter CreateVPNEndpoint failed to satisfy constraint: Must specify 'true' or 'false'",
    );
    expect(failure(decls, given({ CreateVPNEndpoint: 'true', Port: '70000' }))).toBe(
      'Parameter Port failed to satisfy constraint: must be a port',
    );
  });

  it('checks the constraints of a default that is used', () => {
    expect(failure({ Naming: { Type: 'String', Default: 'x', MinLength: 2 } }, [])).toBe(
      "Parameter 'Naming' must contain at least 2 characters",
    );
  });
});

describe('NoEcho', () => {
  it('records NoEcho parameters and masks them', () => {
    const decls: Record<string, ParameterDecl> = {
      Password: { Type: 'String', NoEcho: true },
      Token: { Type: 'String', NoEcho: 'TRUE' },
      User: { Type: 'String', NoEcho: 'false' },
    };
    const resolved = resolveParameters(decls, given({ Password: 'hunter2', Token: 't', User: 'me' }));
    expect([...resolved.noEcho].sort()).toEqual(['Password', 'Token']);
    expect(maskParameters(resolved.raw, resolved.noEcho)).toEqual({ Password: '****', Token: '****', User: 'me' });
    expect(resolved.values['Password']).toBe('hunter2');
  });
});
