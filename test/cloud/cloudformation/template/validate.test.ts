// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${Name} on purpose.
/**
 * validateTemplate: each problem CloudFormation rejects before a stack exists, with AWS's message.
 */
import { describe, expect, it } from 'vitest';
import {
  parseTemplate,
  TemplateError,
  type ValidateOptions,
  validateTemplate,
} from '../../../../src/cloud/cloudformation/template/index.js';
import { LAMBDA_YAML, OPTIONS } from './fixtures.js';

function problem(body: string | object, options: ValidateOptions = OPTIONS): string {
  try {
    validateTemplate(parseTemplate(typeof body === 'string' ? body : JSON.stringify(body)), options);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

/** A YAML template with one extra resource section appended. */
function withTopic(extra: string): string {
  return `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n${extra}`;
}

describe('accepted templates', () => {
  it('accepts the Lambda fixture', () => {
    expect(() => validateTemplate(parseTemplate(LAMBDA_YAML), OPTIONS)).not.toThrow();
  });

  it('accepts a nested stack output and a custom resource attribute', () => {
    const body = `Resources:
  Nested: {Type: AWS::CloudFormation::Stack}
  Custom: {Type: Custom::Thing}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !GetAtt Nested.Outputs.Name
      Tags: [{Key: k, Value: !GetAtt Custom.Anything}]
`;
    expect(() => validateTemplate(parseTemplate(body), OPTIONS)).not.toThrow();
  });
});

describe('sections', () => {
  it('requires Resources', () => {
    const message = 'Template format error: At least one Resources member must be defined.';
    expect(problem({})).toBe(message);
    expect(problem({ Resources: {} })).toBe(message);
    expect(problem('Description: nothing here\n')).toBe(message);
  });

  it('refuses unknown top-level sections', () => {
    expect(problem(`${withTopic('')}outputs: {}\nBogus: 1\n`)).toBe(
      'Invalid template property or properties [outputs, Bogus]',
    );
  });

  it('refuses another format version', () => {
    expect(problem(`AWSTemplateFormatVersion: "2012-01-01"\n${withTopic('')}`)).toBe(
      'Template format error: unsupported value for AWSTemplateFormatVersion.',
    );
  });

  it('refuses null values with their path', () => {
    expect(problem({ Resources: { Foo: { Type: 'AWS::SNS::Topic' } }, Outputs: { MyOutput: { Value: null } } })).toBe(
      "[/Outputs/MyOutput/Value] 'null' values are not allowed in templates",
    );
    expect(problem(withTopic('    Properties:\n      TopicName:\n'))).toBe(
      "[/Resources/Topic/Properties/TopicName] 'null' values are not allowed in templates",
    );
  });

  it('enforces the section quotas', () => {
    const resources = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`T${i}`, { Type: 'AWS::SNS::Topic' }]));
    expect(problem({ Resources: resources })).toBe(
      'Template format error: Number of resources, 501, is greater than maximum allowed, 500',
    );
    const parameters = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`P${i}`, { Type: 'String' }]));
    expect(problem({ Parameters: parameters, Resources: { T: { Type: 'AWS::SNS::Topic' } } })).toBe(
      'Template format error: Number of parameters, 201, is greater than maximum allowed, 200',
    );
    const outputs = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`O${i}`, { Value: 'x' }]));
    expect(problem({ Resources: { T: { Type: 'AWS::SNS::Topic' } }, Outputs: outputs })).toBe(
      'Template format error: Number of outputs, 201, is greater than maximum allowed, 200',
    );
  });
});

describe('resources', () => {
  it('requires a Type and an object', () => {
    expect(problem({ Resources: { A: { Properties: {} } } })).toBe(
      'Template format error: [/Resources/A] Every Resources object must contain a Type member.',
    );
    expect(problem({ Resources: { A: 'AWS::SNS::Topic' } })).toBe(
      'Template format error: Any Resources member must be an object.',
    );
  });

  it('refuses unknown resource attributes and non-alphanumeric names', () => {
    expect(problem({ Resources: { A: { Type: 'AWS::SNS::Topic', Invalid: 10 } } })).toBe(
      "Invalid template resource property 'Invalid'",
    );
    expect(problem({ Resources: { 'my-bad-resource-id': { Type: 'AWS::SNS::Topic' } } })).toBe(
      'Template format error: Resource name my-bad-resource-id is non alphanumeric.',
    );
    expect(problem({ Resources: { 'AWS::NoValue': { Type: 'AWS::SNS::Topic' } } })).toBe(
      'Template format error: Resource name AWS::NoValue is non alphanumeric.',
    );
  });

  it('refuses resource types AWS does not know first, then those the local cloud does not provision', () => {
    const resources = {
      A: { Type: 'AWS::Foo::Bar' },
      B: { Type: 'AWS::SNS::Topic' },
      C: { Type: 'AWS::EC2::NatGateway' },
      D: { Type: 'AWS::Foo::Bar' },
      E: { Type: 'Custom::Anything' },
      // Type names are case-sensitive, as on AWS.
      F: { Type: 'AWS::EC2::NATGateway' },
    };
    expect(problem({ Resources: resources })).toBe(
      'Template format error: Unrecognized resource types: [AWS::Foo::Bar, AWS::EC2::NATGateway]',
    );
    const { A: _a, D: _d, F: _f, ...known } = resources;
    expect(problem({ Resources: known })).toBe(
      'Template format error: The lambda-tasks local cloud does not provision these AWS resource types yet: [AWS::EC2::NatGateway]. docs/cloudformation-resources.md lists the types it provisions.',
    );
    // ValidateTemplate takes any type AWS knows.
    const template = parseTemplate(JSON.stringify({ Resources: known }));
    expect(() => validateTemplate(template, { ...OPTIONS, requireSupported: false })).not.toThrow();
  });

  it('reports every unresolved Ref, Sub variable and DependsOn at once', () => {
    expect(
      problem(
        withTopic(`    DependsOn: [NonExistingResource]
    Properties:
      TopicName: !Ref InvalidRef
      DisplayName: !Sub "\${AWS::Region}-\${Missing}"
`),
      ),
    ).toBe(
      'Template format error: Unresolved resource dependencies [NonExistingResource, InvalidRef, Missing] in the Resources block of the template',
    );
    expect(problem(withTopic('    Properties:\n      TopicName: !Ref AWS::Nothing\n'))).toBe(
      'Template format error: Unresolved resource dependencies [AWS::Nothing] in the Resources block of the template',
    );
  });

  it('checks Fn::GetAtt targets and attributes, including in Sub', () => {
    expect(problem(withTopic('    Properties:\n      TopicName: !GetAtt InfoFunction.Arn\n'))).toBe(
      'Template error: instance of Fn::GetAtt references undefined resource InfoFunction',
    );
    expect(
      problem(`Resources:
  Queue: {Type: AWS::SQS::Queue}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "\${Queue.InvalidAttribute}"
`),
    ).toBe('Template error: resource Queue does not support attribute type InvalidAttribute in Fn::GetAtt');
    expect(problem(withTopic('    Properties:\n      TopicName: {"Fn::GetAtt": [Topic]}\n'))).toBe(
      'Template error: every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
    );
  });

  it('reports a circular dependency', () => {
    expect(
      problem(`Resources:
  A:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !GetAtt B.TopicName}
  B:
    Type: AWS::SNS::Topic
    DependsOn: A
`),
    ).toBe('Circular dependency between resources: [A, B]');
  });

  it('requires declared conditions', () => {
    expect(problem(withTopic('    Condition: ListenForHttps\n'))).toBe(
      'Template format error: Condition ListenForHttps is not defined.',
    );
    expect(problem(withTopic('    Properties:\n      TopicName: !If [MissingCondition, a, b]\n'))).toBe(
      'Template error: unresolved condition dependency MissingCondition in Fn::If',
    );
  });

  it('checks the shapes of functions and refuses unknown ones', () => {
    const prop = (yaml: string) => problem(withTopic(`    Properties:\n      TopicName: ${yaml}\n`));
    expect(prop('!Join ["-"]')).toMatch(/^Template error: every Fn::Join object requires two parameters/);
    expect(prop('!Split [","]')).toMatch(/^Template error: every Fn::Split object requires two parameters/);
    expect(prop('!Select [100, [test]]')).toBe(
      'Template error: Fn::Select requires a list argument with two elements: an integer index and a list',
    );
    expect(prop('!Select [bad, [test]]')).toMatch(/^Template error: Fn::Select requires a list argument/);
    expect(prop('!Select [0, 2]')).toMatch(/^Template error: Fn::Select requires a list argument/);
    expect(prop('!If [A, b]')).toBe('Template error: Fn::If requires a list argument with three elements');
    expect(prop('{"Fn::Ref": Topic}')).toMatch(/^Template Error: Encountered unsupported function: Fn::Ref /);
    expect(prop('!Sub "${bad name}"')).toBe(
      'Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons',
    );
  });

  it('looks up Fn::FindInMap with literal names', () => {
    const body = `Mappings:
  TopicSuffixMap:
    A: {Suffix: a}
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !FindInMap [TopicSuffixMap, C, Suffix]
`;
    expect(problem(body)).toBe('Template error: Unable to get mapping for TopicSuffixMap::C::Suffix');
  });
});

describe('parameters', () => {
  const topic = 'Resources:\n  Topic: {Type: AWS::SNS::Topic}\n';

  it('requires a known Type', () => {
    expect(problem(`Parameters:\n  P: {Default: x}\n${topic}`)).toBe(
      'Template format error: Every Parameters object must contain a Type member.',
    );
    expect(problem(`Parameters:\n  P: {Type: Bool}\n${topic}`)).toBe(
      'Template format error: Unrecognized parameter type: Bool',
    );
  });

  it('refuses the SSM parameter types, which the local cloud cannot read yet', () => {
    expect(problem(`Parameters:\n  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"}\n${topic}`)).toMatch(
      /^Template format error: Parameter Ami has type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>, which reads its value from SSM Parameter Store; the local cloud has no SSM Parameter Store yet\./,
    );
  });

  it('refuses bad names, attributes and AllowedValues', () => {
    expect(
      problem({ Parameters: { 'AWS::NoValue': { Type: 'String' } }, Resources: { T: { Type: 'AWS::SNS::Topic' } } }),
    ).toBe('Template format error: Parameter name AWS::NoValue is non alphanumeric.');
    expect(problem(`Parameters:\n  P: {Type: String, Defualt: x}\n${topic}`)).toBe(
      'Invalid template parameter property or properties [Defualt]',
    );
    expect(problem(`Parameters:\n  P: {Type: String, AllowedValues: staging}\n${topic}`)).toBe(
      'Template format error: Every AllowedValues member must be a list.',
    );
  });

  it('checks a Default against its constraints', () => {
    expect(problem(`Parameters:\n  Naming: {Type: String, Default: aws-ab-, MinLength: 12}\n${topic}`)).toBe(
      "Parameter 'Naming' must contain at least 12 characters",
    );
  });

  it('refuses a parameter and a resource with the same name', () => {
    expect(problem(`Parameters:\n  Topic: {Type: String}\n${topic}`)).toBe(
      'Template error: all resources and parameters must have unique names. Common name(s):[Topic]',
    );
  });
});

describe('mappings, conditions and outputs', () => {
  it('checks the nesting of mappings', () => {
    const resources = { Topic: { Type: 'AWS::SNS::Topic' } };
    expect(problem({ Mappings: { M: { A: 'x' } }, Resources: resources })).toBe(
      'Template format error: Every Mappings member A must be a map',
    );
    expect(problem({ Mappings: { M: { A: { Suffix: { Deeper: 'x' } } } }, Resources: resources })).toBe(
      'Template format error: Every Mappings attribute must be a String or a List.',
    );
    expect(problem({ Mappings: { M: { A: { Suffix: { Ref: 'P' } } } }, Resources: resources })).toBe(
      'Template format error: Every Mappings attribute must be a String or a List.',
    );
  });

  it('checks the Conditions section', () => {
    expect(problem(`Conditions:\n  C: !Equals [!Ref Topic, x]\n${withTopic('')}`)).toBe(
      'Template format error: Unresolved dependencies [Topic]. Cannot reference resources in the Conditions block of the template',
    );
  });

  it('requires a Value and known resources in Outputs', () => {
    expect(problem(`${withTopic('')}Outputs:\n  MyOutput: {}\n`)).toBe(
      'Template format error: Every Outputs member must contain a Value object',
    );
    expect(problem(`${withTopic('')}Outputs:\n  RoleArn:\n    Value: !Ref role\n`)).toBe(
      'Unresolved resource dependencies [role] in the Outputs block of the template',
    );
    expect(problem(`${withTopic('')}Outputs:\n  RoleArn:\n    Value: !GetAtt role.Arn\n`)).toBe(
      'Template error: instance of Fn::GetAtt references undefined resource role',
    );
    expect(problem(`${withTopic('')}Outputs:\n  Out:\n    Condition: Nope\n    Value: x\n`)).toBe(
      'Template format error: Condition Nope is not defined.',
    );
  });
});
