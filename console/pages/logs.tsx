/** CloudWatch Logs: groups, their streams, and a stream's events. */
import { call, listAll, type Output } from '../api.js';
import { Page, Show, Table, time, useLoad } from '../components.js';
import { href, type Route } from '../router.js';
import { LiveLogs } from './lambda.js';

const NEXT = { input: 'nextToken', output: 'nextToken' };

export function LogsPage({ route }: { route: Route }) {
  const group = route.parts[1];
  const stream = route.parts[2];
  if (group && stream) return <StreamEvents group={group} stream={stream} />;
  if (group) return <GroupView group={group} />;
  return <GroupList />;
}

function GroupList() {
  const groups = useLoad(() => listAll('logs', 'DescribeLogGroups', 'logGroups', NEXT), [], ['logs', 'lambda']);
  return (
    <Page title="Log groups">
      <Show loaded={groups}>
        {(rows) => (
          <Table
            label="Log groups"
            rows={rows}
            empty="No log groups."
            columns={[
              { title: 'Group', render: (g) => <a href={href('logs', g['logGroupName'])}>{g['logGroupName']}</a> },
              { title: 'Retention (days)', render: (g) => g['retentionInDays'] ?? 'Never expire' },
              { title: 'Stored bytes', render: (g) => g['storedBytes'], class: 'num' },
              { title: 'Created', render: (g) => time(g['creationTime']) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function GroupView({ group }: { group: string }) {
  const streams = useLoad(
    () =>
      listAll('logs', 'DescribeLogStreams', 'logStreams', NEXT, {
        logGroupName: group,
        orderBy: 'LastEventTime',
        descending: true,
      }),
    [group],
    ['logs', 'lambda'],
  );
  return (
    <Page title={group} actions={<a href={href('logs')}>All groups</a>}>
      <Show loaded={streams}>
        {(rows) => (
          <Table
            label="Log streams"
            rows={rows}
            empty="No streams."
            columns={[
              {
                title: 'Stream',
                render: (s) => <a href={href('logs', group, s['logStreamName'])}>{s['logStreamName']}</a>,
              },
              { title: 'Last event', render: (s) => time(s['lastEventTimestamp']) },
            ]}
          />
        )}
      </Show>
      <LiveLogs group={group} />
    </Page>
  );
}

function StreamEvents({ group, stream }: { group: string; stream: string }) {
  const events = useLoad(
    async () =>
      (
        await call('logs', 'GetLogEvents', {
          logGroupName: group,
          logStreamName: stream,
          startFromHead: true,
          limit: 1000,
        })
      )['events'] as Output[],
    [group, stream],
    ['logs', 'lambda'],
  );
  return (
    <Page title={stream} actions={<a href={href('logs', group)}>Back to {group}</a>}>
      <Show loaded={events}>
        {(rows) => (
          <pre class="log">
            {rows
              .map((e) => `${new Date(e['timestamp']).toISOString()}  ${String(e['message']).replace(/\n$/, '')}`)
              .join('\n')}
          </pre>
        )}
      </Show>
    </Page>
  );
}
