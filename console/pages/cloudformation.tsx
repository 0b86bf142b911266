/**
 * CloudFormation: stacks; per stack its events as a timeline, resources linking to their own pages,
 * outputs, parameters (NoEcho values stay masked as the API returns them), template, change sets.
 */
import { call, listAll, type Output } from '../api.js';
import { Fields, Json, Page, Section, Show, Status, Table, Tabs, time, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

const TABS: [string, string][] = [
  ['events', 'Events'],
  ['resources', 'Resources'],
  ['outputs', 'Outputs'],
  ['parameters', 'Parameters'],
  ['template', 'Template'],
  ['changesets', 'Change sets'],
];

export function CloudFormationPage({ route }: { route: Route }) {
  const name = route.parts[1];
  return name ? <StackView name={name} tab={route.parts[2] ?? 'events'} /> : <StackList />;
}

function StackList() {
  const stacks = useLoad(
    () => listAll('cloudformation', 'DescribeStacks', 'Stacks', { input: 'NextToken', output: 'NextToken' }),
    [],
    ['cloudformation'],
  );
  return (
    <Page title="CloudFormation stacks">
      <Show loaded={stacks}>
        {(rows) => (
          <Table
            label="Stacks"
            rows={rows}
            empty="No stacks."
            columns={[
              { title: 'Name', render: (s) => <a href={href('cloudformation', s['StackName'])}>{s['StackName']}</a> },
              { title: 'Status', render: (s) => <Status value={s['StackStatus']} /> },
              { title: 'Reason', render: (s) => s['StackStatusReason'] },
              { title: 'Created', render: (s) => time(s['CreationTime']) },
              { title: 'Updated', render: (s) => time(s['LastUpdatedTime']) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function StackView({ name, tab }: { name: string; tab: string }) {
  const stack = useLoad(
    async () =>
      ((await call('cloudformation', 'DescribeStacks', { StackName: name }))['Stacks'] as Output[])[0] as Output,
    [name],
    ['cloudformation'],
  );
  return (
    <Page title={`Stack ${name}`} actions={<a href={href('cloudformation')}>All stacks</a>}>
      <Show loaded={stack}>
        {(s) => (
          <Fields
            values={{
              Status: <Status value={s['StackStatus']} />,
              Reason: s['StackStatusReason'],
              'Stack id': s['StackId'],
              Description: s['Description'],
              Capabilities: s['Capabilities']?.join(', '),
            }}
          />
        )}
      </Show>
      <Tabs base={['cloudformation', name]} tabs={TABS} current={tab} />
      <Show loaded={stack}>{(s) => <StackTab name={name} tab={tab} stack={s} />}</Show>
    </Page>
  );
}

function StackTab({ name, tab, stack }: { name: string; tab: string; stack: Output }) {
  switch (tab) {
    case 'resources':
      return <StackResources name={name} />;
    case 'outputs':
      return (
        <Table
          label="Outputs"
          rows={(stack['Outputs'] as Output[] | undefined) ?? []}
          empty="No outputs."
          columns={[
            { title: 'Key', render: (o) => o['OutputKey'] },
            { title: 'Value', render: (o) => <code>{o['OutputValue']}</code> },
            { title: 'Export', render: (o) => o['ExportName'] },
            { title: 'Description', render: (o) => o['Description'] },
          ]}
        />
      );
    case 'parameters':
      return (
        <Table
          label="Parameters"
          rows={(stack['Parameters'] as Output[] | undefined) ?? []}
          empty="No parameters."
          columns={[
            { title: 'Key', render: (p) => p['ParameterKey'] },
            // DescribeStacks already answers **** for NoEcho parameters.
            { title: 'Value', render: (p) => <code>{p['ParameterValue']}</code> },
            { title: 'Resolved', render: (p) => p['ResolvedValue'] },
          ]}
        />
      );
    case 'template':
      return <StackTemplate name={name} />;
    case 'changesets':
      return <ChangeSets name={name} />;
    default:
      return <StackEvents name={name} />;
  }
}

function StackEvents({ name }: { name: string }) {
  const events = useLoad(
    () =>
      listAll(
        'cloudformation',
        'DescribeStackEvents',
        'StackEvents',
        { input: 'NextToken', output: 'NextToken' },
        { StackName: name },
      ),
    [name],
    ['cloudformation'],
  );
  return (
    <Show loaded={events}>
      {(rows) => (
        <ol class="timeline" aria-label="Stack events">
          {rows.map((e) => (
            <li key={e['EventId']}>
              <time>{time(e['Timestamp'])}</time>
              <span class="resource">{e['LogicalResourceId']}</span>
              <span class="type">{e['ResourceType']}</span>
              <Status value={e['ResourceStatus']} />
              {e['ResourceStatusReason'] && <span class="reason">{e['ResourceStatusReason']}</span>}
            </li>
          ))}
        </ol>
      )}
    </Show>
  );
}

/** The console page of a provisioned resource, when it has one. */
export function resourceLink(type: string, physicalId: string | undefined) {
  if (!physicalId) return '';
  const tail = physicalId.split(/[:/]/).pop() ?? physicalId;
  const targets: Record<string, string[]> = {
    'AWS::Lambda::Function': ['lambda', physicalId],
    'AWS::Lambda::EventSourceMapping': ['mappings', physicalId],
    'AWS::S3::Bucket': ['s3', physicalId],
    'AWS::SQS::Queue': ['sqs', tail],
    'AWS::DynamoDB::Table': ['dynamodb', physicalId],
    'AWS::Kinesis::Stream': ['kinesis', physicalId],
    'AWS::SNS::Topic': ['sns', physicalId],
    'AWS::IAM::Role': ['iam', 'roles', physicalId],
    'AWS::Logs::LogGroup': ['logs', physicalId],
    'AWS::CloudFormation::Stack': ['cloudformation', tail],
  };
  const target = targets[type];
  return target ? <a href={href(...target)}>{physicalId}</a> : physicalId;
}

function StackResources({ name }: { name: string }) {
  const resources = useLoad(
    () =>
      listAll(
        'cloudformation',
        'ListStackResources',
        'StackResourceSummaries',
        { input: 'NextToken', output: 'NextToken' },
        { StackName: name },
      ),
    [name],
    ['cloudformation'],
  );
  return (
    <Show loaded={resources}>
      {(rows) => (
        <Table
          label="Resources"
          rows={rows}
          empty="No resources."
          columns={[
            { title: 'Logical id', render: (r) => r['LogicalResourceId'] },
            { title: 'Physical id', render: (r) => resourceLink(r['ResourceType'], r['PhysicalResourceId']) },
            { title: 'Type', render: (r) => r['ResourceType'] },
            { title: 'Status', render: (r) => <Status value={r['ResourceStatus']} /> },
            { title: 'Reason', render: (r) => r['ResourceStatusReason'] },
          ]}
        />
      )}
    </Show>
  );
}

function StackTemplate({ name }: { name: string }) {
  const template = useLoad(() => call('cloudformation', 'GetTemplate', { StackName: name }), [name]);
  return <Show loaded={template}>{(t) => <Json value={t['TemplateBody']} />}</Show>;
}

function ChangeSets({ name }: { name: string }) {
  const sets = useLoad(
    async () => {
      const summaries = await listAll(
        'cloudformation',
        'ListChangeSets',
        'Summaries',
        { input: 'NextToken', output: 'NextToken' },
        { StackName: name },
      );
      return Promise.all(
        summaries.map((s) =>
          call('cloudformation', 'DescribeChangeSet', { StackName: name, ChangeSetName: s['ChangeSetName'] }),
        ),
      );
    },
    [name],
    ['cloudformation'],
  );
  return (
    <Show loaded={sets}>
      {(rows) =>
        rows.length === 0 ? (
          <p class="muted">No change sets.</p>
        ) : (
          rows.map((c) => (
            <Section key={c['ChangeSetId']} title={`${c['ChangeSetName']} (${c['Status']}, ${c['ExecutionStatus']})`}>
              {c['StatusReason'] && <p class="muted">{c['StatusReason']}</p>}
              <Table
                label="Changes"
                rows={(c['Changes'] as Output[] | undefined) ?? []}
                empty="No changes."
                columns={[
                  { title: 'Action', render: (ch) => ch['ResourceChange']?.['Action'] },
                  { title: 'Logical id', render: (ch) => ch['ResourceChange']?.['LogicalResourceId'] },
                  { title: 'Type', render: (ch) => ch['ResourceChange']?.['ResourceType'] },
                  { title: 'Replacement', render: (ch) => ch['ResourceChange']?.['Replacement'] },
                ]}
              />
            </Section>
          ))
        )
      }
    </Show>
  );
}
