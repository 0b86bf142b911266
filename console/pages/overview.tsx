/** Every service with its resources and counts, and recent activity as it happens. */

import { useEffect } from 'preact/hooks';
import { batchColumns, deliveryColumns, invocationColumns, latest, useActivity } from '../activity.js';
import { listAll, type Output, overview } from '../api.js';
import { Page, Section, Show, Status, Table, time, useLoad } from '../components.js';
import { href } from '../router.js';

const ALL_SERVICES = ['lambda', 'cloudformation', 's3', 'sqs', 'dynamodb', 'kinesis', 'sns', 'iam', 'logs'];

/** Where each counted kind is listed. */
const PAGE_OF: Record<string, string> = { 'event source mappings': 'mappings' };

export function OverviewPage() {
  const counts = useLoad(overview, [], ALL_SERVICES);
  const recent = useActivity();
  return (
    <Page title="Overview">
      <Show loaded={counts}>
        {(data) => (
          <ul class="cards" aria-label="Resources">
            {data.counts.map((c) => (
              <li key={`${c.service}-${c.kind}`}>
                <a href={href(PAGE_OF[c.kind] ?? c.service)} data-testid={`count-${c.service}-${c.kind}`}>
                  <span class="count">{c.count < 0 ? '?' : c.count}</span>
                  <span class="kind">{c.kind}</span>
                  <span class="service">{c.service}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </Show>
      <RecentStacks />
      <Section title="Recent invocations">
        <Table
          label="Recent invocations"
          columns={invocationColumns}
          rows={latest(recent.invocations, 15)}
          empty="No invocations since the cloud started."
        />
      </Section>
      <Section title="Recent mapping batches">
        <Table columns={batchColumns} rows={latest(recent.batches, 10)} empty="No batches yet." />
      </Section>
      <Section title="Recent deliveries (S3 and SNS)">
        <Table columns={deliveryColumns} rows={latest(recent.deliveries, 10)} empty="No deliveries yet." />
      </Section>
    </Page>
  );
}

/** How often stacks are re-read while one of them is in progress (no event marks the end of an operation). */
const STACK_PROGRESS_REFRESH_MS = 1000;

/** The stacks changed last, with their status; followed while an operation runs. */
function RecentStacks() {
  const stacks = useLoad(
    async () => {
      const all = await listAll('cloudformation', 'DescribeStacks', 'Stacks', {
        input: 'NextToken',
        output: 'NextToken',
      });
      const changed = (s: Output) => Date.parse(s['LastUpdatedTime'] ?? s['CreationTime'] ?? 0);
      return all.sort((a, b) => changed(b) - changed(a)).slice(0, 5);
    },
    [],
    ['cloudformation'],
  );
  const inProgress = stacks.data?.some((s) => String(s['StackStatus']).endsWith('IN_PROGRESS')) ?? false;
  useEffect(() => {
    if (!inProgress) return undefined;
    const timer = setTimeout(stacks.reload, STACK_PROGRESS_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [inProgress, stacks.data, stacks.reload]);
  return (
    <Section title="Recent stack operations">
      <Show loaded={stacks}>
        {(rows) => (
          <Table
            label="Recent stack operations"
            rows={rows}
            empty="No stacks."
            columns={[
              { title: 'Stack', render: (s) => <a href={href('cloudformation', s['StackName'])}>{s['StackName']}</a> },
              { title: 'Status', render: (s) => <Status value={s['StackStatus']} /> },
              { title: 'Reason', render: (s) => s['StackStatusReason'] },
              { title: 'Changed', render: (s) => time(s['LastUpdatedTime'] ?? s['CreationTime']) },
            ]}
          />
        )}
      </Show>
    </Section>
  );
}
