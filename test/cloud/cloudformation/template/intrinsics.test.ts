// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${Name} on purpose.
/**
 * resolveValue: every intrinsic function, AWS::NoValue, pseudo parameters, and the errors AWS
 * answers for misused functions.
 */
import { describe, expect, it } from 'vitest';
import { parseTemplate, resolveValue, TemplateError } from '../../../../src/cloud/cloudformation/template/index.js';
import { context, LAMBDA_YAML } from './fixtures.js';

const ctx = context();

function failure(value: unknown, c = ctx): string {
  try {
    resolveValue(value, c);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('Ref', () => {
  it('resolves parameters, list parameters and resources', () => {
    expect(resolveValue({ Ref: 'Stage' }, ctx)).toBe('dev');
    expect(resolveValue({ Ref: 'Subnets' }, ctx)).toEqual(['subnet-1', 'subnet-2']);
    expect(resolveValue({ Ref: 'Function' }, ctx)).toBe('Function-physical');
  });

  it('resolves the pseudo parameters', () => {
    expect(
      resolveValue(
        [
          'AWS::AccountId',
          'AWS::Region',
          'AWS::StackName',
          'AWS::StackId',
          'AWS::Partition',
          'AWS::URLSuffix',
          'AWS::NotificationARNs',
        ].map((name) => ({ Ref: name })),
        ctx,
      ),
    ).toEqual([
      '000000000000',
      'us-east-1',
      'app',
      'arn:aws:cloudformation:us-east-1:000000000000:stack/app/1234',
      'aws',
      'amazonaws.com',
      [],
    ]);
    const china = context({ pseudo: { ...ctx.pseudo, region: 'cn-north-1', notificationArns: ['arn:topic'] } });
    expect(resolveValue({ Ref: 'AWS::Partition' }, china)).toBe('aws-cn');
    expect(resolveValue({ Ref: 'AWS::URLSuffix' }, china)).toBe('amazonaws.com.cn');
    expect(resolveValue({ Ref: 'AWS::NotificationARNs' }, china)).toEqual(['arn:topic']);
    const gov = context({ pseudo: { ...ctx.pseudo, region: 'us-gov-west-1', partition: undefined } });
    expect(resolveValue({ Ref: 'AWS::Partition' }, gov)).toBe('aws-us-gov');
  });

  it('removes a key or list element that is AWS::NoValue', () => {
    expect(
      resolveValue({ A: 'kept', B: { Ref: 'AWS::NoValue' }, C: ['x', { Ref: 'AWS::NoValue' }, 'y'] }, ctx),
    ).toEqual({ A: 'kept', C: ['x', 'y'] });
    expect(resolveValue({ Ref: 'AWS::NoValue' }, ctx)).toBeUndefined();
  });

  it('lets the context defer a resource that does not exist yet', () => {
    class NotYet extends Error {}
    const deferred = context({
      ref: () => {
        throw new NotYet();
      },
    });
    expect(() => resolveValue({ A: { Ref: 'Later' } }, deferred)).toThrow(NotYet);
  });

  it('refuses a Ref that is not a string', () => {
    expect(failure({ Ref: ['a'] })).toBe('Template error: All References must be of type string');
  });
});

describe('Fn::GetAtt', () => {
  it('takes the list form, the dotted form and a Ref for the attribute', () => {
    expect(resolveValue({ 'Fn::GetAtt': ['Role', 'Arn'] }, ctx)).toBe('Role.Arn-value');
    expect(resolveValue({ 'Fn::GetAtt': 'Role.Arn' }, ctx)).toBe('Role.Arn-value');
    expect(resolveValue({ 'Fn::GetAtt': ['Nested', 'Outputs.Url'] }, ctx)).toBe('Nested.Outputs.Url-value');
    const withAttribute = context({ parameters: { Attr: 'Arn' } });
    expect(resolveValue({ 'Fn::GetAtt': ['Role', { Ref: 'Attr' }] }, withAttribute)).toBe('Role.Arn-value');
  });

  it('refuses a malformed GetAtt', () => {
    const message =
      'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute';
    expect(failure({ 'Fn::GetAtt': ['Role'] })).toBe(message);
    expect(failure({ 'Fn::GetAtt': 'Role' })).toBe(message);
    expect(failure({ 'Fn::GetAtt': ['', 'Arn'] })).toBe(message);
  });
});

describe('Fn::Sub', () => {
  it('substitutes parameters, pseudo parameters, resources and attributes', () => {
    expect(
      resolveValue({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Stage}-${Bucket}/${Role.Arn}-${AWS::Region}' }, ctx),
    ).toBe('arn:aws:s3:::dev-Bucket-physical/Role.Arn-value-us-east-1');
  });

  it('keeps ${!Literal} as ${Literal} and text without variables as is', () => {
    expect(resolveValue({ 'Fn::Sub': '${!Stage} costs $5 {x} ${Stage}' }, ctx)).toBe('${Stage} costs $5 {x} dev');
    expect(resolveValue({ 'Fn::Sub': 'unclosed ${Stage' }, ctx)).toBe('unclosed ${Stage');
  });

  it('takes a variable map, whose values may be functions and win over parameters', () => {
    expect(
      resolveValue(
        { 'Fn::Sub': ['${Stage}/${Name}/${Port}', { Stage: 'override', Name: { Ref: 'Function' }, Port: 8080 }] },
        ctx,
      ),
    ).toBe('override/Function-physical/8080');
  });

  it('refuses bad variable names, bad shapes and list values', () => {
    expect(failure({ 'Fn::Sub': '${my var}' })).toBe(
      'Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons',
    );
    expect(failure({ 'Fn::Sub': ['a', 'b', 'c'] })).toMatch(/^Template error: One or more Fn::Sub intrinsic functions/);
    expect(failure({ 'Fn::Sub': '${Subnets}' })).toBe(
      'Template error: variable Subnets in Fn::Sub expression does not resolve to a string',
    );
  });
});

describe('list and string functions', () => {
  it('Fn::Join joins strings, numbers and lists returned by functions', () => {
    expect(resolveValue({ 'Fn::Join': ['-', ['a', 1, { Ref: 'Stage' }, { Ref: 'AWS::NoValue' }]] }, ctx)).toBe(
      'a-1-dev',
    );
    expect(resolveValue({ 'Fn::Join': [',', { Ref: 'Subnets' }] }, ctx)).toBe('subnet-1,subnet-2');
    expect(resolveValue({ 'Fn::Join': ['', { 'Fn::GetAZs': '' }] }, ctx)).toBe('us-east-1aus-east-1bus-east-1c');
    expect(failure({ 'Fn::Join': ['-'] })).toMatch(/^Template error: every Fn::Join object requires two parameters/);
    expect(failure({ 'Fn::Join': ['-', 'not a list'] })).toMatch(/^Template error: every Fn::Join object/);
  });

  it('Fn::Select picks by index, from literal lists and function results', () => {
    expect(resolveValue({ 'Fn::Select': [1, ['a', 'b']] }, ctx)).toBe('b');
    expect(resolveValue({ 'Fn::Select': ['0', { Ref: 'Subnets' }] }, ctx)).toBe('subnet-1');
    expect(resolveValue({ 'Fn::Select': [2, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] }, ctx)).toBe('us-east-1c');
  });

  it('Fn::Select errors as AWS words them', () => {
    const shape = 'Template error: Fn::Select requires a list argument with two elements: an integer index and a list';
    expect(failure({ 'Fn::Select': ['bad', ['test']] })).toBe(shape);
    expect(failure({ 'Fn::Select': [0, 2] })).toBe(shape);
    expect(failure({ 'Fn::Select': [100, ['test']] })).toBe(shape);
    expect(failure({ 'Fn::Select': [3, { 'Fn::GetAZs': '' }] })).toBe(
      'Template error: Fn::Select cannot select nonexistent value at index 3',
    );
  });

  it('Fn::Split splits a string or a function result', () => {
    expect(resolveValue({ 'Fn::Split': [',', 'a,b,,c'] }, ctx)).toEqual(['a', 'b', '', 'c']);
    expect(resolveValue({ 'Fn::Select': [1, { 'Fn::Split': ['.', { 'Fn::GetAtt': ['Role', 'Arn'] }] }] }, ctx)).toBe(
      'Arn-value',
    );
    expect(failure({ 'Fn::Split': [','] })).toBe(
      'Template error: every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
    );
  });

  it('Fn::Base64 encodes UTF-8', () => {
    expect(resolveValue({ 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ${Stage} é' } }, ctx)).toBe(
      Buffer.from('#!/bin/bash\necho dev é').toString('base64'),
    );
  });

  it('Fn::GetAZs lists the zones of the stack region or a named one', () => {
    expect(resolveValue({ 'Fn::GetAZs': '' }, ctx)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(resolveValue({ 'Fn::GetAZs': 'eu-west-1' }, ctx)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('Fn::Cidr carves IPv4 and IPv6 blocks', () => {
    expect(resolveValue({ 'Fn::Cidr': ['10.0.0.0/16', 3, 8] }, ctx)).toEqual([
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.2.0/24',
    ]);
    expect(resolveValue({ 'Fn::Cidr': ['192.168.1.77/24', '2', '6'] }, ctx)).toEqual([
      '192.168.1.0/26',
      '192.168.1.64/26',
    ]);
    expect(resolveValue({ 'Fn::Cidr': ['2001:db8::/56', 2, 64] }, ctx)).toEqual(['2001:db8::/64', '2001:db8:0:1::/64']);
    expect(failure({ 'Fn::Cidr': ['10.0.0.0/24', 5, 6] })).toBe(
      'Template error: Fn::Cidr cannot fit the requested subnets in 10.0.0.0/24',
    );
    expect(failure({ 'Fn::Cidr': ['10.0.0/16', 1, 8] })).toMatch(/^Template error: every Fn::Cidr object/);
  });

  it('Fn::Length and Fn::ToJsonString', () => {
    expect(resolveValue({ 'Fn::Length': { Ref: 'Subnets' } }, ctx)).toBe(2);
    expect(resolveValue({ 'Fn::ToJsonString': { A: { Ref: 'Stage' }, B: [1] } }, ctx)).toBe('{"A":"dev","B":[1]}');
  });
});

describe('Fn::FindInMap', () => {
  it('looks up two levels, with functions for the keys', () => {
    expect(resolveValue({ 'Fn::FindInMap': ['StageConfig', { Ref: 'Stage' }, 'Timeout'] }, ctx)).toBe(10);
    expect(resolveValue({ 'Fn::FindInMap': ['StageConfig', 'dev', 'Zones'] }, ctx)).toEqual(['a', 'b']);
    expect(resolveValue({ 'Fn::FindInMap': ['StageConfig', 'test', 'Timeout', { DefaultValue: 5 }] }, ctx)).toBe(5);
  });

  it('reports a missing entry as AWS does', () => {
    expect(failure({ 'Fn::FindInMap': ['StageConfig', 'C', 'Timeout'] })).toBe(
      'Template error: Unable to get mapping for StageConfig::C::Timeout',
    );
    expect(failure({ 'Fn::FindInMap': ['Nope', 'dev', 'Timeout'] })).toBe(
      'Template error: Unable to get mapping for Nope::dev::Timeout',
    );
    expect(failure({ 'Fn::FindInMap': ['StageConfig', 'dev'] })).toMatch(/^Template error: every Fn::FindInMap/);
  });
});

describe('Fn::If', () => {
  it('takes the branch of the condition, including AWS::NoValue', () => {
    const value = {
      Debug: { 'Fn::If': ['IsProd', 'off', 'on'] },
      Extra: { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'x'] },
      List: ['a', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'b'] }],
    };
    expect(resolveValue(value, ctx)).toEqual({ Debug: 'on', List: ['a'] });
  });

  it('does not evaluate the branch not taken', () => {
    const strict = context({
      getAtt: () => {
        throw new Error('not created');
      },
    });
    expect(resolveValue({ 'Fn::If': ['IsDev', 'fine', { 'Fn::GetAtt': ['Missing', 'Arn'] }] }, strict)).toBe('fine');
  });

  it('reports an unknown condition', () => {
    expect(failure({ 'Fn::If': ['MissingCondition', 'a', 'b'] })).toBe(
      'Template error: unresolved condition dependency MissingCondition in Fn::If',
    );
  });
});

describe('Fn::ImportValue', () => {
  it('reads an export, and reports a missing one as AWS does', () => {
    expect(
      resolveValue({ 'Fn::ImportValue': { 'Fn::Sub': 'shared-${Kind}' } }, context({ parameters: { Kind: 'vpc' } })),
    ).toBe('vpc-123');
    expect(failure({ 'Fn::ImportValue': 'nothing' })).toBe('No export named nothing found');
  });
});

describe('unsupported functions', () => {
  it('refuses an unknown Fn:: key, whatever its case', () => {
    expect(failure({ 'Fn::Ref': 'X' })).toMatch(
      /^Template Error: Encountered unsupported function: Fn::Ref Supported functions are: \[Fn::Base64, Fn::GetAtt, /,
    );
    expect(failure({ 'fn::GetAtt': ['A', 'B'] })).toMatch(
      /^Template Error: Encountered unsupported function: fn::GetAtt /,
    );
  });

  it('leaves objects that merely contain such keys alone', () => {
    const policy = { Statement: [{ Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } }] };
    expect(resolveValue(policy, ctx)).toEqual(policy);
  });
});

describe('a whole resource', () => {
  it('resolves the properties of the Lambda function in the fixture', () => {
    const template = parseTemplate(LAMBDA_YAML);
    const resolved = resolveValue(
      template.Resources['Function']?.Properties,
      context({ parameters: { Stage: 'dev', MemorySize: '256' } }),
    );
    expect(resolved).toEqual({
      FunctionName: 'app-handler',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: 'Role.Arn-value',
      MemorySize: '256',
      Timeout: 10,
      Code: { ZipFile: "exports.handler = async () => 'ok';\n" },
      Environment: { Variables: { STAGE: 'dev', DEBUG: '1' } },
    });
  });
});
