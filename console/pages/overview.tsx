/** Every service with its resources and counts, and recent activity as it happens. */
import { batchColumns, deliveryColumns, invocationColumns, latest, useActivity } from '../activity.js';
import { overview } from '../api.js';
import { Page, Section, Show, Table, useLoad } from '../components.js';
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
