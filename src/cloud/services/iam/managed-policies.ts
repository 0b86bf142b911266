/**
 * AWS managed policies an account can read and attach (arn:aws:iam::aws:policy/...): the ones
 * Lambda deployments use most. Ids, paths, version ids, dates and documents are AWS's own, as
 * AWS publishes them and the MAMIP project (Monitor AWS Managed IAM Policies) recorded them in
 * March 2026. Descriptions are AWS's wording as far as known; only AWSLambdaBasicExecutionRole's was
 * checked against an AWS response. One deliberate difference: ReadOnlyAccess really lists about
 * 2,700 actions of every AWS service; it keeps its two real statements here, abridged to the
 * actions of the services a local cloud might serve. Policies are stored, never enforced, so the
 * abridgement changes what is shown, not what is allowed.
 */
import { formatDocument, type PolicyDocument } from './documents.js';

export interface AwsManagedPolicy {
  name: string;
  path: string;
  policyId: string;
  /** The default (and here the only) version. */
  versionId: string;
  createDate: string;
  updateDate: string;
  description: string;
  document: PolicyDocument;
}

const POLICIES: AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    policyId: 'ANPAIWMBCKSKIEE64ZLYK',
    versionId: 'v1',
    createDate: '2015-02-06T18:39:46Z',
    updateDate: '2015-02-06T18:39:46Z',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'ReadOnlyAccess',
    path: '/',
    policyId: 'ANPAILL3HVNFSB6DCOWYQ',
    versionId: 'v178',
    createDate: '2015-02-06T18:39:48Z',
    updateDate: '2026-02-12T18:01:33Z',
    description: 'Provides read-only access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyActionsGroup1',
          Effect: 'Allow',
          Action: [
            'cloudformation:BatchDescribeTypeConfigurations',
            'cloudformation:Describe*',
            'cloudformation:Detect*',
            'cloudformation:Estimate*',
            'cloudformation:Get*',
            'cloudformation:List*',
            'cloudformation:ValidateTemplate',
            'cloudwatch:Describe*',
            'cloudwatch:GenerateQuery',
            'cloudwatch:GenerateQueryResultsSummary',
            'cloudwatch:Get*',
            'cloudwatch:List*',
            'dynamodb:BatchGet*',
            'dynamodb:Describe*',
            'dynamodb:Get*',
            'dynamodb:List*',
            'dynamodb:PartiQLSelect',
            'dynamodb:Query',
            'dynamodb:Scan',
            'events:Describe*',
            'events:List*',
            'events:Test*',
            'iam:Generate*',
            'iam:Get*',
            'iam:List*',
            'iam:Simulate*',
          ],
          Resource: '*',
        },
        {
          Sid: 'ReadOnlyActionsGroup2',
          Effect: 'Allow',
          Action: [
            'kinesis:Describe*',
            'kinesis:Get*',
            'kinesis:List*',
            'lambda:Get*',
            'lambda:List*',
            'logs:Describe*',
            'logs:FilterLogEvents',
            'logs:Get*',
            'logs:ListAnomalies',
            'logs:ListEntitiesForLogGroup',
            'logs:ListIntegrations',
            'logs:ListLogAnomalyDetectors',
            'logs:ListLogDeliveries',
            'logs:ListLogGroupsForEntity',
            'logs:ListLogGroupsForQuery',
            'logs:ListTagsForResource',
            'logs:ListTagsLogGroup',
            'logs:StartLiveTail',
            'logs:StartQuery',
            'logs:StopLiveTail',
            'logs:StopQuery',
            'logs:TestMetricFilter',
            'logs:ListAggregateLogGroupSummaries',
            'logs:ListSourcesForS3TableIntegration',
            'logs:ListScheduledQueries',
            's3:DescribeJob',
            's3:Get*',
            's3:List*',
            'sns:Check*',
            'sns:Get*',
            'sns:List*',
            'sqs:Get*',
            'sqs:List*',
            'sqs:Receive*',
            'sts:GetAccessKeyInfo',
            'sts:GetCallerIdentity',
            'sts:GetSessionToken',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'CloudWatchLogsFullAccess',
    path: '/',
    policyId: 'ANPAJ3ZGNWK2R5HW5BQFO',
    versionId: 'v8',
    createDate: '2015-02-06T18:40:02Z',
    updateDate: '2026-02-12T18:00:33Z',
    description: 'Provides full access to CloudWatch Logs',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudWatchLogsFullAccess',
          Effect: 'Allow',
          Action: [
            'logs:*',
            'cloudwatch:GenerateQuery',
            'cloudwatch:GenerateQueryResultsSummary',
            'observabilityadmin:GetS3TableIntegration',
            'observabilityadmin:ListS3TableIntegrations',
            'observabilityadmin:ListTelemetryPipelines',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonS3FullAccess',
    path: '/',
    policyId: 'ANPAIFIR6V6BVTRAHWINE',
    versionId: 'v2',
    createDate: '2015-02-06T18:40:58Z',
    updateDate: '2021-09-27T20:16:37Z',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
    },
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    path: '/',
    policyId: 'ANPAIZTJ4DXE7G6AGAE6M',
    versionId: 'v3',
    createDate: '2015-02-06T18:40:59Z',
    updateDate: '2023-08-10T21:31:39Z',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaRole',
    path: '/service-role/',
    policyId: 'ANPAJX4DPCRGTC4NFDUXI',
    versionId: 'v1',
    createDate: '2015-02-06T18:41:28Z',
    updateDate: '2015-02-06T18:41:28Z',
    description: 'Default policy for AWS Lambda service role.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['*'] }],
    },
  },
  {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    policyId: 'ANPAJNCQGXC42545SKXIK',
    versionId: 'v1',
    createDate: '2015-04-09T15:03:43Z',
    updateDate: '2015-04-09T15:03:43Z',
    description: 'Provides write permissions to CloudWatch Logs.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaDynamoDBExecutionRole',
    path: '/service-role/',
    policyId: 'ANPAIP7WNAGMIPYNW4WQG',
    versionId: 'v1',
    createDate: '2015-04-09T15:09:29Z',
    updateDate: '2015-04-09T15:09:29Z',
    description: 'Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaKinesisExecutionRole',
    path: '/service-role/',
    policyId: 'ANPAJHOLKJPXV4GBRMJUQ',
    versionId: 'v2',
    createDate: '2015-04-09T15:14:16Z',
    updateDate: '2018-11-19T20:09:24Z',
    description: 'Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetRecords',
            'kinesis:GetShardIterator',
            'kinesis:ListShards',
            'kinesis:ListStreams',
            'kinesis:SubscribeToShard',
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaVPCAccessExecutionRole',
    path: '/service-role/',
    policyId: 'ANPAJVTME3YLVNL72YR2K',
    versionId: 'v3',
    createDate: '2016-02-11T23:15:26Z',
    updateDate: '2024-01-05T22:38:26Z',
    description:
      'Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSLambdaVPCAccessExecutionPermissions',
          Effect: 'Allow',
          Action: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AWSLambdaSQSQueueExecutionRole',
    path: '/service-role/',
    policyId: 'ANPAJFWJZI6JNND4TSELK',
    versionId: 'v1',
    createDate: '2018-06-14T21:50:45Z',
    updateDate: '2018-06-14T21:50:45Z',
    description:
      'Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
];

/** By ARN. */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, AwsManagedPolicy> = new Map(
  POLICIES.map((p) => [awsPolicyArn(p), p]),
);

export function awsPolicyArn(p: AwsManagedPolicy): string {
  return `arn:aws:iam::aws:policy${p.path}${p.name}`;
}

/** The document as IAM stores AWS's own: pretty-printed with four spaces. */
export function awsPolicyDocument(p: AwsManagedPolicy): string {
  return formatDocument(p.document);
}
