/**
 * Event source mappings: state with enable/disable, batch settings, LastProcessingResult, the
 * source's backlog, and the mapping's recent batches and failures.
 */
import { useState } from 'preact/hooks';
import { batchColumns, latest, useActivity } from '../activity.js';
import { type Batch, call, listAll, type Output } from '../api.js';
import {
  Action,
  type Column,
  Fields,
  Page,
  Section,
  Show,
  Status,
  Table,
  TextField,
  time,
  useLoad,
} from '../components.js';
import { href, type Route } from '../router.js';

const LIST_NEXT = { input: 'Marker', output: 'NextMarker' };

export const mappingColumns: Column<Output>[] = [
  { title: 'UUID', render: (m) => <a href={href('mappings', m['UUID'])}>{m['UUID']}</a> },
  { title: 'Source', render: (m) => m['EventSourceArn'] },
  { title: 'Function', render: (m) => functionLink(m['FunctionArn']) },
  { title: 'State', render: (m) => <Status value={m['State']} /> },
  { title: 'Batch size', render: (m) => m['BatchSize'], class: 'num' },
  { title: 'Last result', render: (m) => m['LastProcessingResult'] },
];

export function functionLink(arn: string | undefined) {
  const name = arn?.split(':')[6];
  return name ? <a href={href('lambda', name)}>{arn?.split(':').slice(6).join(':')}</a> : arn;
}

export function MappingsPage({ route }: { route: Route }) {
  const uuid = route.parts[1];
  return uuid ? <MappingView uuid={uuid} /> : <MappingList />;
}

function MappingList() {
  const mappings = useLoad(
    () => listAll('lambda', 'ListEventSourceMappings', 'EventSourceMappings', LIST_NEXT),
    [],
    ['lambda'],
  );
  return (
    <Page title="Event source mappings">
      <Show loaded={mappings}>
        {(rows) => <Table label="Mappings" rows={rows} columns={mappingColumns} empty="No event source mappings." />}
      </Show>
    </Page>
  );
}

function MappingView({ uuid }: { uuid: string }) {
  const mapping = useLoad(() => call('lambda', 'GetEventSourceMapping', { UUID: uuid }), [uuid], ['lambda']);
  const recent = useActivity();
  return (
    <Page title={`Mapping ${uuid}`} actions={<a href={href('mappings')}>All mappings</a>}>
      <Show loaded={mapping}>
        {(m) => (
          <>
            <div class="actions">
              <Status value={m['State']} />
              <Action
                testId="mapping-toggle"
                kind="primary"
                run={async () => {
                  await call('lambda', 'UpdateEventSourceMapping', {
                    UUID: uuid,
                    Enabled: m['State'] !== 'Enabled' && m['State'] !== 'Enabling',
                  });
                  mapping.reload();
                }}
              >
                {m['State'] === 'Enabled' || m['State'] === 'Enabling' ? 'Disable' : 'Enable'}
              </Action>
            </div>
            <Fields
              values={{
                Source: m['EventSourceArn'],
                Function: functionLink(m['FunctionArn']),
                State: m['State'],
                'State reason': m['StateTransitionReason'],
                'Last processing result': m['LastProcessingResult'],
                'Last modified': time(m['LastModified']),
                'Starting position': m['StartingPosition'],
                'Parallelization factor': m['ParallelizationFactor'],
                'Bisect on error':
                  m['BisectBatchOnFunctionError'] === undefined ? undefined : String(m['BisectBatchOnFunctionError']),
                'Maximum retry attempts': m['MaximumRetryAttempts'],
                'Maximum record age (s)': m['MaximumRecordAgeInSeconds'],
                'Function response types': m['FunctionResponseTypes']?.join(', '),
                'Filter criteria': m['FilterCriteria'],
                'On failure': m['DestinationConfig']?.['OnFailure']?.['Destination'],
              }}
            />
            <BatchSettings mapping={m} onSaved={mapping.reload} />
            <Backlog sourceArn={m['EventSourceArn']} />
            <ShardLag batches={recent.batches.filter((b) => b.mappingUuid === uuid)} />
          </>
        )}
      </Show>
      <Section title="Recent batches">
        <Table
          label="Recent batches"
          columns={batchColumns}
          rows={latest(
            recent.batches.filter((b) => b.mappingUuid === uuid),
            30,
          )}
          empty="No batches since the cloud started."
        />
      </Section>
    </Page>
  );
}

function BatchSettings({ mapping, onSaved }: { mapping: Output; onSaved: () => void }) {
  const [size, setSize] = useState(String(mapping['BatchSize'] ?? ''));
  const [windowSeconds, setWindowSeconds] = useState(String(mapping['MaximumBatchingWindowInSeconds'] ?? 0));
  return (
    <Section title="Batching">
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Batch size" type="number" value={size} onInput={setSize} />
        <TextField label="Batching window (s)" type="number" value={windowSeconds} onInput={setWindowSeconds} />
        <Action
          run={async () => {
            await call('lambda', 'UpdateEventSourceMapping', {
              UUID: mapping['UUID'],
              BatchSize: Number(size),
              MaximumBatchingWindowInSeconds: Number(windowSeconds),
            });
            onSaved();
          }}
        >
          Save
        </Action>
      </form>
    </Section>
  );
}

/** What waits at the source: a queue's messages, or a stream's shards. */
/** Per shard: the newest batch and how far behind its shard the mapping was then (IteratorAge). */
function ShardLag({ batches }: { batches: Batch[] }) {
  const byShard = new Map<string, Batch>();
  for (const batch of batches) if (batch.shardId !== undefined) byShard.set(batch.shardId, batch);
  if (byShard.size === 0) return null;
  return (
    <Section title="Shards">
      <Table
        label="Shards"
        columns={shardColumns}
        rows={[...byShard.values()].sort((a, b) => (a.shardId ?? '').localeCompare(b.shardId ?? ''))}
        empty=""
      />
    </Section>
  );
}

const shardColumns: Column<Batch>[] = [
  { title: 'Shard', render: (b) => b.shardId },
  { title: 'Last batch', render: (b) => time(b.at) },
  { title: 'Records', render: (b) => b.records, class: 'num' },
  { title: 'Iterator age (ms)', render: (b) => b.iteratorAgeMs, class: 'num' },
  { title: 'Outcome', render: (b) => <Status value={b.outcome} /> },
];

function Backlog({ sourceArn }: { sourceArn: string }) {
  const service = sourceArn.split(':')[2] ?? '';
  const backlog = useLoad(() => loadBacklog(sourceArn), [sourceArn], [service]);
  return (
    <Section title="Backlog">
      <Show loaded={backlog}>{(values) => <Fields values={values} />}</Show>
    </Section>
  );
}

async function loadBacklog(arn: string): Promise<Record<string, string | number | undefined>> {
  const [, , service, , account, resource = ''] = arn.split(':');
  if (service === 'sqs') {
    const { QueueUrl } = await call('sqs', 'GetQueueUrl', { QueueName: resource, QueueOwnerAWSAccountId: account });
    const { Attributes } = await call('sqs', 'GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
    return {
      'Messages waiting': Attributes?.['ApproximateNumberOfMessages'],
      'Messages in flight': Attributes?.['ApproximateNumberOfMessagesNotVisible'],
      'Messages delayed': Attributes?.['ApproximateNumberOfMessagesDelayed'],
    };
  }
  if (service === 'kinesis') {
    const out = await call('kinesis', 'DescribeStreamSummary', { StreamARN: arn });
    const summary = out['StreamDescriptionSummary'] as Output;
    return { 'Stream status': summary['StreamStatus'], 'Open shards': summary['OpenShardCount'] };
  }
  if (service === 'dynamodb') {
    const out = await call('dynamodbstreams', 'DescribeStream', { StreamArn: arn });
    const description = out['StreamDescription'] as Output;
    return { 'Stream status': description['StreamStatus'], Shards: description['Shards']?.length };
  }
  return {};
}
