// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${Name} on purpose.
/**
 * parseTemplate: JSON and YAML bodies, every YAML short form mapped to its long form, and the
 * syntax errors with AWS's wording and positions.
 */
import { describe, expect, it } from 'vitest';
import { parseTemplate, TemplateError } from '../../../../src/cloud/cloudformation/template/index.js';
import { LAMBDA_YAML } from './fixtures.js';

/** The value of property P of a one-resource YAML template. */
function prop(yaml: string): unknown {
  const body = `Resources:\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n      P: ${yaml}\n`;
  return parseTemplate(body).Resources['R']?.Properties?.['P'];
}

function parseError(body: string): string {
  try {
    parseTemplate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as TemplateError).message;
  }
  throw new Error('expected a TemplateError');
}

describe('JSON and YAML', () => {
  it('parses a JSON template', () => {
    const template = parseTemplate('{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}');
    expect(template).toEqual({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
  });

  it('parses a YAML template into the long forms', () => {
    const template = parseTemplate(LAMBDA_YAML);
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Resources['Function']?.Properties).toMatchObject({
      FunctionName: { 'Fn::Sub': '${AWS::StackName}-handler' },
      Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
      Timeout: { 'Fn::FindInMap': ['StageConfig', { Ref: 'Stage' }, 'Timeout'] },
      Code: { ZipFile: "exports.handler = async () => 'ok';\n" },
    });
    expect(template.Conditions).toEqual({ IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } });
  });

  it('gives the same tree for a JSON template and its YAML twin', () => {
    const json = parseTemplate(
      JSON.stringify({
        Resources: {
          Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: { 'Fn::Sub': '${AWS::StackName}-b' } } },
        },
      }),
    );
    const yaml = parseTemplate(
      'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub ${AWS::StackName}-b\n',
    );
    expect(yaml).toEqual(json);
  });

  it('keeps a __proto__ key as data and strips a byte order mark', () => {
    const template = parseTemplate('\uFEFF{"Resources": {"R": {"Type": "X"}}, "Metadata": {"__proto__": {"a": 1}}}');
    expect(Object.keys(template.Metadata ?? {})).toEqual(['__proto__']);
    const yaml = parseTemplate('Resources:\n  R: {Type: X}\nMetadata:\n  __proto__: {a: 1}\n');
    expect(Object.getPrototypeOf(yaml.Metadata)).toBe(Object.prototype);
    expect(Object.keys(yaml.Metadata ?? {})).toEqual(['__proto__']);
  });

  it('keeps numbers with a leading zero as strings, as CloudFormation does', () => {
    expect(prop('012345678901')).toBe('012345678901');
    expect(prop('[8080, 1.5, -3, "007", true]')).toEqual([8080, 1.5, -3, '007', true]);
  });

  it('resolves YAML anchors and aliases', () => {
    const template = parseTemplate('Resources:\n  A: &topic {Type: AWS::SNS::Topic}\n  B: *topic\n');
    expect(template.Resources['B']).toEqual({ Type: 'AWS::SNS::Topic' });
  });
});

describe('YAML short forms', () => {
  it.each([
    ['!Ref Stage', { Ref: 'Stage' }],
    ['!Ref AWS::Region', { Ref: 'AWS::Region' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!GetAtt Fn.Arn', { 'Fn::GetAtt': ['Fn', 'Arn'] }],
    ['!GetAtt Nested.Outputs.Url', { 'Fn::GetAtt': ['Nested', 'Outputs.Url'] }],
    ['!GetAtt [Fn, Arn]', { 'Fn::GetAtt': ['Fn', 'Arn'] }],
    ['!Sub "${AWS::StackName}-x"', { 'Fn::Sub': '${AWS::StackName}-x' }],
    ['!Sub ["${A}-y", {A: !Ref B}]', { 'Fn::Sub': ['${A}-y', { A: { Ref: 'B' } }] }],
    ['!Join ["-", [a, !Ref B]]', { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!GetAZs us-east-1', { 'Fn::GetAZs': 'us-east-1' }],
    ['!FindInMap [Map, !Ref AWS::Region, Ami]', { 'Fn::FindInMap': ['Map', { Ref: 'AWS::Region' }, 'Ami'] }],
    ['!If [IsProd, !Ref A, !Ref AWS::NoValue]', { 'Fn::If': ['IsProd', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] }],
    ['!Equals [!Ref Env, prod]', { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }],
    [
      '!And [!Not [!Condition A], !Or [!Condition B, !Equals [x, y]]]',
      {
        'Fn::And': [
          { 'Fn::Not': [{ Condition: 'A' }] },
          { 'Fn::Or': [{ Condition: 'B' }, { 'Fn::Equals': ['x', 'y'] }] },
        ],
      },
    ],
    ['!ImportValue shared-vpc', { 'Fn::ImportValue': 'shared-vpc' }],
    ['!ImportValue {"Fn::Sub": "${Net}-id"}', { 'Fn::ImportValue': { 'Fn::Sub': '${Net}-id' } }],
    ['!Cidr [!GetAtt Vpc.CidrBlock, 6, 5]', { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 5] }],
    [
      '!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}',
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
    ],
    ['!Ref 12', { Ref: '12' }],
  ])('%s', (yaml, expected) => {
    expect(prop(yaml)).toEqual(expected);
  });

  it('maps block-style short forms nested in each other (a !Sub inside a !Join)', () => {
    const body = `Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      P: !Join
        - ""
        - - !Ref Prefix
          - !GetAtt Other.Arn
          - !Sub
            - "\${X}-\${AWS::Region}"
            - X: !Select
                - 1
                - !Split [",", !ImportValue list]
`;
    expect(parseTemplate(body).Resources['R']?.Properties?.['P']).toEqual({
      'Fn::Join': [
        '',
        [
          { Ref: 'Prefix' },
          { 'Fn::GetAtt': ['Other', 'Arn'] },
          {
            'Fn::Sub': [
              '${X}-${AWS::Region}',
              { X: { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::ImportValue': 'list' }] }] } },
            ],
          },
        ],
      ],
    });
  });

  it('keeps the long form written in YAML as it is', () => {
    expect(prop('{"Fn::GetAtt": Bucket.Arn}')).toEqual({ 'Fn::GetAtt': 'Bucket.Arn' });
  });
});

describe('syntax errors', () => {
  it('reports malformed JSON with the position AWS reports', () => {
    // The body and position of a response recorded from AWS.
    expect(parseError('{"this is invalid JSON"="bobbins"}')).toBe(
      'Template format error: JSON not well-formed. (line 1, column 25)',
    );
    expect(parseError('{\n  "Resources": {\n    "A": {"Type": "X"},\n  }\n}')).toBe(
      'Template format error: JSON not well-formed. (line 4, column 4)',
    );
    expect(parseError('{"Resources": {')).toBe('Template format error: JSON not well-formed. (line 1, column 16)');
  });

  it('reports malformed YAML with line and column', () => {
    const body = `Resources:
  MyBucket:
    Type: AWS::S3::Bucket
    Properties:
        BucketName: test
      VersioningConfiguration:
        Status: Enabled
`;
    expect(parseError(body)).toBe('Template format error: YAML not well-formed. (line 6, column 1)');
    expect(parseError('Resources:\n  A: {Type: X}\n  A: {Type: Y}\n')).toMatch(
      /^Template format error: YAML not well-formed\. \(line 3, column \d+\)$/,
    );
  });

  it('reports an unknown tag where it is', () => {
    expect(parseError('Resources:\n  B:\n    Type: X\n    Properties:\n      Arn: !GetAttr B.Arn\n')).toBe(
      'Template format error: YAML not well-formed. (line 5, column 12)',
    );
  });

  it('refuses a short form used as a key', () => {
    expect(parseError('Resources:\n  B:\n    Type: X\n    Properties:\n      !Sub "${A}": 1\n')).toMatch(
      /^Template format error: YAML not well-formed\. \(line 5, column \d+\)$/,
    );
  });

  it('refuses a body that is not an object', () => {
    expect(parseError('- a\n- b\n')).toBe('Template format error: unsupported structure.');
    expect(parseError('just text')).toBe('Template format error: unsupported structure.');
    expect(parseError('')).toBe('Template format error: unsupported structure.');
  });
});
