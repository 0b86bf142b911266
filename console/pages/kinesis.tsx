/** Kinesis: streams; per stream its shards, putting a record, and reading from a position. */
import { useState } from 'preact/hooks';
import { type Bytes, bytesText, call, listAll, type Output, textBytes } from '../api.js';
import { Action, Fields, Page, Section, Select, Show, Status, Table, TextField, time, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

const POSITIONS = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

export function KinesisPage({ route }: { route: Route }) {
  const stream = route.parts[1];
  return stream ? <StreamView name={stream} /> : <StreamList />;
}

function StreamList() {
  const streams = useLoad(
    () => listAll('kinesis', 'ListStreams', 'StreamSummaries', { input: 'NextToken', output: 'NextToken' }),
    [],
    ['kinesis'],
  );
  return (
    <Page title="Kinesis streams">
      <Show loaded={streams}>
        {(rows) => (
          <Table
            label="Streams"
            rows={rows}
            empty="No streams."
            columns={[
              { title: 'Name', render: (s) => <a href={href('kinesis', s['StreamName'])}>{s['StreamName']}</a> },
              { title: 'Status', render: (s) => <Status value={s['StreamStatus']} /> },
              { title: 'Mode', render: (s) => s['StreamModeDetails']?.['StreamMode'] },
              { title: 'Created', render: (s) => time(s['StreamCreationTimestamp']) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function StreamView({ name }: { name: string }) {
  const stream = useLoad(
    async () => ({
      summary: (await call('kinesis', 'DescribeStreamSummary', { StreamName: name }))[
        'StreamDescriptionSummary'
      ] as Output,
      shards: await listAll(
        'kinesis',
        'ListShards',
        'Shards',
        { input: 'NextToken', output: 'NextToken' },
        { StreamName: name },
      ),
    }),
    [name],
    ['kinesis'],
  );
  return (
    <Page title={`Stream ${name}`} actions={<a href={href('kinesis')}>All streams</a>}>
      <Show loaded={stream}>
        {({ summary, shards }) => (
          <>
            <Fields
              values={{
                Status: <Status value={summary['StreamStatus']} />,
                ARN: summary['StreamARN'],
                'Retention (hours)': summary['RetentionPeriodHours'],
                'Open shards': summary['OpenShardCount'],
                Encryption: summary['EncryptionType'],
              }}
            />
            <Section title="Shards">
              <Table
                label="Shards"
                rows={shards}
                columns={[
                  { title: 'Shard', render: (s) => s['ShardId'] },
                  { title: 'Parent', render: (s) => s['ParentShardId'] },
                  {
                    title: 'Hash keys',
                    render: (s) =>
                      `${s['HashKeyRange']?.['StartingHashKey']} – ${s['HashKeyRange']?.['EndingHashKey']}`,
                  },
                  {
                    title: 'First sequence',
                    render: (s) => <code>{s['SequenceNumberRange']?.['StartingSequenceNumber']}</code>,
                  },
                  {
                    title: 'Closed at',
                    render: (s) => <code>{s['SequenceNumberRange']?.['EndingSequenceNumber']}</code>,
                  },
                ]}
              />
            </Section>
            <PutRecord name={name} />
            <ReadRecords name={name} shardIds={shards.map((s) => s['ShardId'] as string)} />
          </>
        )}
      </Show>
    </Page>
  );
}

function PutRecord({ name }: { name: string }) {
  const [key, setKey] = useState('key-1');
  const [data, setData] = useState('{"hello":"world"}');
  const [result, setResult] = useState<Output>();
  return (
    <Section title="Put a record">
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Partition key" value={key} onInput={setKey} />
        <TextField label="Data" value={data} onInput={setData} />
        <Action
          testId="kinesis-put"
          run={async () =>
            setResult(
              await call('kinesis', 'PutRecord', { StreamName: name, PartitionKey: key, Data: textBytes(data) }),
            )
          }
        >
          Put
        </Action>
      </form>
      {result && (
        <p class="muted">
          Stored in {result['ShardId']} at {result['SequenceNumber']}
        </p>
      )}
    </Section>
  );
}

function ReadRecords({ name, shardIds }: { name: string; shardIds: string[] }) {
  const [shard, setShard] = useState(shardIds[0] ?? '');
  const [position, setPosition] = useState('TRIM_HORIZON');
  const [sequence, setSequence] = useState('');
  const [records, setRecords] = useState<Output[]>();
  return (
    <Section title="Read records">
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <Select label="Shard" value={shard} options={shardIds} onChange={setShard} />
        <Select label="From" value={position} options={POSITIONS} onChange={setPosition} />
        {position.endsWith('SEQUENCE_NUMBER') && (
          <TextField label="Sequence number" value={sequence} onInput={setSequence} />
        )}
        <Action
          testId="kinesis-read"
          run={async () => {
            const { ShardIterator } = await call('kinesis', 'GetShardIterator', {
              StreamName: name,
              ShardId: shard,
              ShardIteratorType: position,
              ...(position.endsWith('SEQUENCE_NUMBER') ? { StartingSequenceNumber: sequence } : {}),
            });
            const out = await call('kinesis', 'GetRecords', { ShardIterator, Limit: 100 });
            setRecords((out['Records'] as Output[] | undefined) ?? []);
          }}
        >
          Read
        </Action>
      </form>
      {records && (
        <Table
          label="Records"
          rows={records}
          empty="No records from this position."
          columns={[
            { title: 'Sequence number', render: (r) => <code>{r['SequenceNumber']}</code> },
            { title: 'Partition key', render: (r) => r['PartitionKey'] },
            { title: 'Arrived', render: (r) => time(r['ApproximateArrivalTimestamp']) },
            { title: 'Data', render: (r) => <pre class="cell">{bytesText(r['Data'] as Bytes)}</pre> },
          ]}
        />
      )}
    </Section>
  );
}
