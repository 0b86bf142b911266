/**
 * `AWS::Serverless::Application` -> `AWS::CloudFormation::Stack`. Location is a template URL (an
 * object in S3, as `aws cloudformation package` leaves it); applications of the Serverless
 * Application Repository (`{ ApplicationId, SemanticVersion }`) need that service, which the local
 * cloud does not serve.
 */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';
import { type OutputResource, passThroughAttributes, resource, type SamResource, samTags } from './resources.js';

export function expandApplication(application: SamResource): OutputResource {
  const id = application.logicalId;
  const p = application.properties;
  const location = p['Location'];
  if (location === undefined) throw new SamResourceError(id, "Missing required property 'Location'.");
  if (isRecord(location)) {
    throw new SamResourceError(
      id,
      'Location with ApplicationId needs the AWS Serverless Application Repository, which the lambda-tasks local cloud does not serve; give the URL of a template in S3 instead.',
    );
  }
  if (typeof location !== 'string') throw new SamResourceError(id, "Property 'Location' should be a string.");
  const dependsOn = application.attributes['DependsOn'];
  return resource(
    'AWS::CloudFormation::Stack',
    {
      Parameters: p['Parameters'],
      NotificationARNs: p['NotificationARNs'],
      Tags: samTags(id, p['Tags']),
      TimeoutInMinutes: p['TimeoutInMinutes'],
      TemplateURL: location,
    },
    {
      ...(dependsOn !== undefined ? { DependsOn: dependsOn } : {}),
      ...passThroughAttributes(application),
    },
  );
}
