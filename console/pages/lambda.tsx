/**
 * Lambda: functions; per function its configuration, invoke (JSON editor, response, error, log
 * tail), recent invocations with a chart of durations, a live log tail, versions and aliases with
 * their weights, the resource policy and its event source mappings.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { invocationColumns, latest, useActivity } from '../activity.js';
import { type Bytes, bytesText, call, listAll, type Output, onLive, textBytes } from '../api.js';
import {
  Action,
  DurationChart,
  ErrorBox,
  Fields,
  Json,
  JsonEditor,
  Page,
  prettyJson,
  Section,
  Show,
  Status,
  Table,
  Tabs,
  time,
  useLoad,
} from '../components.js';
import { href, type Route } from '../router.js';
import { mappingColumns } from './mappings.js';

const TABS: [string, string][] = [
  ['configuration', 'Configuration'],
  ['invoke', 'Invoke'],
  ['invocations', 'Invocations'],
  ['logs', 'Live logs'],
  ['versions', 'Versions and aliases'],
  ['policy', 'Resource policy'],
  ['mappings', 'Event source mappings'],
];

export function LambdaPage({ route }: { route: Route }) {
  const name = route.parts[1];
  return name ? <FunctionView name={name} tab={route.parts[2] ?? 'configuration'} /> : <FunctionList />;
}

function FunctionList() {
  const [filter, setFilter] = useState('');
  const functions = useLoad(
    () => listAll('lambda', 'ListFunctions', 'Functions', { input: 'Marker', output: 'NextMarker' }),
    [],
    ['lambda'],
  );
  return (
    <Page title="Lambda functions">
      <input
        class="filter"
        data-filter
        placeholder="Filter (press /)"
        aria-label="Filter functions"
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      <Show loaded={functions}>
        {(list) => (
          <Table
            label="Functions"
            rows={list.filter((f) => String(f['FunctionName']).includes(filter))}
            empty="No functions."
            columns={[
              { title: 'Name', render: (f) => <a href={href('lambda', f['FunctionName'])}>{f['FunctionName']}</a> },
              { title: 'Runtime', render: (f) => f['Runtime'] ?? f['PackageType'] },
              { title: 'Handler', render: (f) => f['Handler'] },
              { title: 'Memory', render: (f) => `${f['MemorySize']} MB`, class: 'num' },
              { title: 'Timeout', render: (f) => `${f['Timeout']} s`, class: 'num' },
              { title: 'Last modified', render: (f) => time(f['LastModified']) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function FunctionView({ name, tab }: { name: string; tab: string }) {
  const fn = useLoad(() => call('lambda', 'GetFunction', { FunctionName: name }), [name], ['lambda']);
  return (
    <Page title={name} actions={<a href={href('lambda')}>All functions</a>}>
      <Tabs base={['lambda', name]} tabs={TABS} current={tab} />
      <Show loaded={fn}>
        {(data) => {
          const config = data['Configuration'] as Output;
          switch (tab) {
            case 'invoke':
              return <InvokePanel name={name} />;
            case 'invocations':
              return <InvocationsPanel name={name} />;
            case 'logs':
              return <LiveLogs group={config['LoggingConfig']?.['LogGroup'] ?? `/aws/lambda/${name}`} />;
            case 'versions':
              return <VersionsPanel name={name} />;
            case 'policy':
              return <PolicyPanel name={name} />;
            case 'mappings':
              return <FunctionMappings name={name} />;
            default:
              return <ConfigurationPanel data={data} />;
          }
        }}
      </Show>
    </Page>
  );
}

function ConfigurationPanel({ data }: { data: Output }) {
  const c = data['Configuration'] as Output;
  return (
    <Fields
      values={{
        ARN: c['FunctionArn'],
        State: <Status value={c['State']} />,
        'Last update': <Status value={c['LastUpdateStatus']} />,
        Runtime: c['Runtime'],
        Handler: c['Handler'],
        Role: c['Role'],
        'Memory (MB)': c['MemorySize'],
        'Timeout (s)': c['Timeout'],
        Architectures: c['Architectures']?.join(', '),
        'Code size (bytes)': c['CodeSize'],
        'Code SHA-256': c['CodeSha256'],
        'Last modified': time(c['LastModified']),
        Description: c['Description'],
        Environment: c['Environment']?.['Variables'],
        Layers: c['Layers']?.map((l: Output) => l['Arn']).join('\n'),
        'Log group': c['LoggingConfig']?.['LogGroup'],
        'Reserved concurrency': data['Concurrency']?.['ReservedConcurrentExecutions'],
        Tags: data['Tags'],
      }}
    />
  );
}

function InvokePanel({ name }: { name: string }) {
  const [payload, setPayload] = useState('{\n  "hello": "world"\n}');
  const [qualifier, setQualifier] = useState('');
  const [result, setResult] = useState<Output>();
  const valid = useMemo(() => {
    try {
      JSON.parse(payload);
      return true;
    } catch {
      return false;
    }
  }, [payload]);
  const invoke = async () => {
    setResult(undefined);
    const output = await call('lambda', 'Invoke', {
      FunctionName: name,
      LogType: 'Tail',
      Payload: textBytes(payload),
      ...(qualifier ? { Qualifier: qualifier } : {}),
    });
    setResult(output);
  };
  const log = result?.['LogResult'] ? decodeBase64(result['LogResult']) : '';
  return (
    <div class="invoke">
      <JsonEditor id="invoke-payload" label="Event (JSON)" value={payload} onInput={setPayload} rows={10} />
      <label class="field">
        <span>Qualifier (version or alias, optional)</span>
        <input value={qualifier} onInput={(e) => setQualifier((e.target as HTMLInputElement).value)} />
      </label>
      <div class="actions">
        {valid ? (
          <Action run={invoke} kind="primary" testId="invoke">
            Invoke
          </Action>
        ) : (
          <button type="button" disabled>
            Invoke
          </button>
        )}
      </div>
      {result && (
        <div class="invoke-result" data-testid="invoke-result">
          <Fields
            values={{
              Status: <Status value={result['FunctionError'] ? `Error (${result['FunctionError']})` : 'Success'} />,
              'Status code': result['StatusCode'],
              'Executed version': result['ExecutedVersion'],
            }}
          />
          <h3>{result['FunctionError'] ? 'Error' : 'Response'}</h3>
          <pre class="json" data-testid="invoke-response">
            {prettyJson(bytesText(result['Payload'] as Bytes | undefined))}
          </pre>
          <h3>Log tail</h3>
          <pre class="log" data-testid="invoke-log">
            {log}
          </pre>
        </div>
      )}
    </div>
  );
}

function decodeBase64(text: string): string {
  const binary = atob(text);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function InvocationsPanel({ name }: { name: string }) {
  const recent = useActivity();
  const mine = recent.invocations.filter((i) => i.functionName === name);
  return (
    <>
      <Section title="Durations">
        <DurationChart
          points={mine.slice(-100).map((i) => ({ at: i.at, ms: i.durationMs, error: Boolean(i.functionError) }))}
        />
      </Section>
      <Section title="Recent invocations">
        <Table
          label="Invocations"
          columns={invocationColumns.filter((c) => c.title !== 'Function')}
          rows={latest(mine, 50)}
          empty="No invocations since the cloud started."
        />
      </Section>
    </>
  );
}

interface LogLine {
  timestamp: number;
  message: string;
  stream: string;
}

/** The group's latest events, then every new line as the function writes it. */
export function LiveLogs({ group }: { group: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<Error>();
  useEffect(() => {
    setLines([]);
    const off = onLive('logs', (batch) => {
      if (batch.group !== group) return;
      const added = batch.events.map((e) => ({ ...e, stream: batch.stream }));
      setLines((all) => [...all, ...added].slice(-1000));
    });
    call('logs', 'FilterLogEvents', { logGroupName: group, startTime: Date.now() - 3_600_000, limit: 200 }).then(
      (out) =>
        setLines((live) => [
          ...((out['events'] as Output[] | undefined) ?? []).map((e) => ({
            timestamp: e['timestamp'],
            message: e['message'],
            stream: e['logStreamName'],
          })),
          ...live,
        ]),
      (e: Error) => {
        if (!/ResourceNotFound|does not exist/.test(e.message)) setError(e);
      },
    );
    return off;
  }, [group]);
  const shown = lines.filter((l) => l.message.includes(filter));
  return (
    <Section title={`Live log tail: ${group}`}>
      <input
        class="filter"
        data-filter
        placeholder="Filter lines (press /)"
        aria-label="Filter log lines"
        value={filter}
        onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
      />
      <ErrorBox error={error} />
      <pre class="log" data-testid="live-log" aria-live="polite">
        {shown.map((l) => `${new Date(l.timestamp).toISOString()}  ${l.message.replace(/\n$/, '')}`).join('\n')}
      </pre>
    </Section>
  );
}

function VersionsPanel({ name }: { name: string }) {
  const data = useLoad(
    async () => ({
      versions: await listAll(
        'lambda',
        'ListVersionsByFunction',
        'Versions',
        { input: 'Marker', output: 'NextMarker' },
        { FunctionName: name },
      ),
      aliases: await listAll(
        'lambda',
        'ListAliases',
        'Aliases',
        { input: 'Marker', output: 'NextMarker' },
        { FunctionName: name },
      ),
    }),
    [name],
    ['lambda'],
  );
  return (
    <Show loaded={data}>
      {({ versions, aliases }) => (
        <>
          <Section title="Versions">
            <Table
              label="Versions"
              rows={versions}
              columns={[
                { title: 'Version', render: (v) => v['Version'] },
                { title: 'Description', render: (v) => v['Description'] },
                { title: 'Code SHA-256', render: (v) => <code>{v['CodeSha256']}</code> },
                { title: 'Last modified', render: (v) => time(v['LastModified']) },
              ]}
            />
          </Section>
          <Section title="Aliases">
            <Table
              label="Aliases"
              rows={aliases}
              empty="No aliases."
              columns={[
                { title: 'Alias', render: (a) => a['Name'] },
                { title: 'Version', render: (a) => a['FunctionVersion'] },
                {
                  title: 'Weights',
                  render: (a) => {
                    const extra = (a['RoutingConfig']?.['AdditionalVersionWeights'] ?? {}) as Record<string, number>;
                    const rest = 1 - Object.values(extra).reduce((s, w) => s + w, 0);
                    return [
                      `${a['FunctionVersion']}: ${(rest * 100).toFixed(0)}%`,
                      ...Object.entries(extra).map(([v, w]) => `${v}: ${(w * 100).toFixed(0)}%`),
                    ].join(', ');
                  },
                },
                { title: 'Description', render: (a) => a['Description'] },
              ]}
            />
          </Section>
        </>
      )}
    </Show>
  );
}

function PolicyPanel({ name }: { name: string }) {
  const policy = useLoad(
    () =>
      call('lambda', 'GetPolicy', { FunctionName: name }).catch((e: Error & { code?: string }) => {
        if (e.code === 'ResourceNotFoundException') return undefined;
        throw e;
      }),
    [name],
    ['lambda'],
  );
  if (policy.error) return <ErrorBox error={policy.error} />;
  if (policy.loading && !policy.data) return <p class="muted">Loading…</p>;
  if (!policy.data) return <p class="muted">No resource policy.</p>;
  return <Json value={policy.data['Policy']} />;
}

function FunctionMappings({ name }: { name: string }) {
  const mappings = useLoad(
    () =>
      listAll(
        'lambda',
        'ListEventSourceMappings',
        'EventSourceMappings',
        { input: 'Marker', output: 'NextMarker' },
        { FunctionName: name },
      ),
    [name],
    ['lambda'],
  );
  return (
    <Show loaded={mappings}>
      {(rows) => <Table label="Mappings" rows={rows} columns={mappingColumns} empty="No event source mappings." />}
    </Show>
  );
}
