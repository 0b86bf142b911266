/**
 * The template properties that may name local files, and how each is rewritten once its artifact
 * is in S3: the list `aws cloudformation package` handles (awscli's
 * customizations/cloudformation/artifact_exporter.py, RESOURCES_EXPORT_LIST), as data.
 *
 * - `uri`: the property becomes `s3://bucket/key`;
 * - `object`: it becomes `{ <bucket>: bucket, <key>: key }` (plus the object's version when the
 *   bucket is versioned);
 * - `template`: a nested template, packaged itself first, and the property becomes its HTTPS URL.
 *
 * `zip`: a directory is always zipped; with `zip`, a single file that is not a zip is zipped too.
 * `whenMissing`: an absent property packages the template's own directory (SAM functions and
 * layers, Lambda functions), as the CLI does.
 */
export type Rewrite =
  | { type: 'uri' }
  | { type: 'object'; bucket: string; key: string; version?: string }
  | { type: 'template' };

export interface ArtifactProperty {
  resourceType: string;
  /** Dotted for a nested property (`Command.ScriptLocation`). */
  property: string;
  rewrite: Rewrite;
  zip?: boolean;
  whenMissing?: boolean;
}

const CODE = { type: 'object', bucket: 'S3Bucket', key: 'S3Key', version: 'S3ObjectVersion' } as const;
const LOCATION = { type: 'object', bucket: 'Bucket', key: 'Key', version: 'Version' } as const;
const URI = { type: 'uri' } as const;

export const ARTIFACT_PROPERTIES: readonly ArtifactProperty[] = [
  { resourceType: 'AWS::Serverless::Function', property: 'CodeUri', rewrite: URI, zip: true, whenMissing: true },
  { resourceType: 'AWS::Serverless::Api', property: 'DefinitionUri', rewrite: URI },
  { resourceType: 'AWS::AppSync::GraphQLSchema', property: 'DefinitionS3Location', rewrite: URI },
  { resourceType: 'AWS::AppSync::Resolver', property: 'RequestMappingTemplateS3Location', rewrite: URI },
  { resourceType: 'AWS::AppSync::Resolver', property: 'ResponseMappingTemplateS3Location', rewrite: URI },
  { resourceType: 'AWS::AppSync::FunctionConfiguration', property: 'RequestMappingTemplateS3Location', rewrite: URI },
  { resourceType: 'AWS::AppSync::FunctionConfiguration', property: 'ResponseMappingTemplateS3Location', rewrite: URI },
  { resourceType: 'AWS::ApiGateway::RestApi', property: 'BodyS3Location', rewrite: LOCATION },
  { resourceType: 'AWS::Lambda::Function', property: 'Code', rewrite: CODE, zip: true, whenMissing: true },
  {
    resourceType: 'AWS::ElasticBeanstalk::ApplicationVersion',
    property: 'SourceBundle',
    rewrite: { type: 'object', bucket: 'S3Bucket', key: 'S3Key' },
  },
  { resourceType: 'AWS::CloudFormation::Stack', property: 'TemplateURL', rewrite: { type: 'template' } },
  { resourceType: 'AWS::Serverless::Application', property: 'Location', rewrite: { type: 'template' } },
  {
    resourceType: 'AWS::Serverless::LayerVersion',
    property: 'ContentUri',
    rewrite: URI,
    zip: true,
    whenMissing: true,
  },
  { resourceType: 'AWS::Lambda::LayerVersion', property: 'Content', rewrite: CODE, zip: true, whenMissing: true },
  { resourceType: 'AWS::Glue::Job', property: 'Command.ScriptLocation', rewrite: URI },
  { resourceType: 'AWS::StepFunctions::StateMachine', property: 'DefinitionS3Location', rewrite: LOCATION },
  { resourceType: 'AWS::Serverless::StateMachine', property: 'DefinitionUri', rewrite: LOCATION },
  {
    resourceType: 'AWS::CodeCommit::Repository',
    property: 'Code.S3',
    rewrite: { type: 'object', bucket: 'Bucket', key: 'Key', version: 'ObjectVersion' },
    zip: true,
  },
];

/** `Fn::Transform: { Name: AWS::Include, Parameters: { Location } }`, anywhere in a template: `uri`. */
export const INCLUDE_TRANSFORM = 'AWS::Include';
