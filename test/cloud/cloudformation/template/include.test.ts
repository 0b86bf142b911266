/** expandIncludes: AWS::Include snippets as values and at the top, with AWS's failure wording. */
import { describe, expect, it } from 'vitest';
import { expandIncludes, parseTemplate, TemplateError } from '../../../../src/cloud/cloudformation/template/index.js';

const SNIPPETS: Record<string, string> = {
  's3://b/tags.yaml': 'Key: team\nValue: !Ref Stage\n',
  's3://b/outer.json': JSON.stringify({
    Inner: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/tags.yaml' } } },
  }),
  's3://b/outputs.yaml': 'Outputs:\n  Name:\n    Value: !Ref Queue\n',
};

function read(location: string): string {
  const text = SNIPPETS[location];
  if (text === undefined) throw new Error('S3 bucket [missing] does not exist.');
  return text;
}

const include = (location: string) => ({
  'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: location } },
});

describe('expandIncludes', () => {
  it('replaces a Fn::Transform value with its snippet, snippets within snippets too', () => {
    const template = parseTemplate(
      JSON.stringify({
        Resources: {
          Q: {
            Type: 'AWS::SQS::Queue',
            Properties: { Tags: [include('s3://b/tags.yaml')], Other: include('s3://b/outer.json') },
          },
        },
      }),
    );
    expect(expandIncludes(template, read).Resources['Q']?.Properties).toEqual({
      Tags: [{ Key: 'team', Value: { Ref: 'Stage' } }],
      Other: { Inner: { Key: 'team', Value: { Ref: 'Stage' } } },
    });
  });

  it('merges a top-level include into the template sections', () => {
    const template = parseTemplate(
      JSON.stringify({
        Transform: { Name: 'AWS::Include', Parameters: { Location: 's3://b/outputs.yaml' } },
        Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
        Outputs: { Kept: { Value: 'x' } },
      }),
    );
    expect(expandIncludes(template, read).Outputs).toEqual({ Kept: { Value: 'x' }, Name: { Value: { Ref: 'Queue' } } });
  });

  it.each([
    [include('s3://missing/x.yaml'), 'Transform AWS::Include failed with: S3 bucket [missing] does not exist.'],
    [
      { 'Fn::Transform': { Name: 'AWS::Include', Parameters: {} } },
      'Transform AWS::Include failed with: Parameters.Location must be an S3 URL of a template snippet.',
    ],
  ])('fails as AWS words it: %j', (value, message) => {
    const template = parseTemplate(
      JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { P: value } } } }),
    );
    expect(() => expandIncludes(template, read)).toThrow(new TemplateError(message));
  });
});
