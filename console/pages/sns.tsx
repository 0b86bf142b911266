/** SNS: topics; per topic its attributes, subscriptions with their confirmation state, and publish. */
import { useState } from 'preact/hooks';
import { call, listAll, type Output } from '../api.js';
import { Action, Fields, Page, Section, Show, Status, Table, TextField, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

const NEXT = { input: 'NextToken', output: 'NextToken' };

export function SnsPage({ route }: { route: Route }) {
  const topic = route.parts[1];
  return topic ? <TopicView arn={topic} /> : <TopicList />;
}

function TopicList() {
  const topics = useLoad(() => listAll('sns', 'ListTopics', 'Topics', NEXT), [], ['sns']);
  return (
    <Page title="SNS topics">
      <Show loaded={topics}>
        {(rows) => (
          <Table
            label="Topics"
            rows={rows}
            empty="No topics."
            columns={[
              {
                title: 'Topic',
                render: (t) => <a href={href('sns', t['TopicArn'])}>{t['TopicArn'].split(':').pop()}</a>,
              },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

/** PendingConfirmation in place of an ARN means the endpoint has not confirmed yet. */
function confirmation(subscription: Output): string {
  return subscription['SubscriptionArn'] === 'PendingConfirmation' ? 'Pending confirmation' : 'Confirmed';
}

function TopicView({ arn }: { arn: string }) {
  const topic = useLoad(
    async () => ({
      attributes: ((await call('sns', 'GetTopicAttributes', { TopicArn: arn }))['Attributes'] ?? {}) as Record<
        string,
        string
      >,
      subscriptions: await listAll('sns', 'ListSubscriptionsByTopic', 'Subscriptions', NEXT, { TopicArn: arn }),
    }),
    [arn],
    ['sns'],
  );
  const [message, setMessage] = useState('{"hello":"world"}');
  const [subject, setSubject] = useState('');
  const [published, setPublished] = useState<string>();
  return (
    <Page title={`Topic ${arn.split(':').pop()}`} actions={<a href={href('sns')}>All topics</a>}>
      <Show loaded={topic}>
        {({ attributes, subscriptions }) => (
          <>
            <Fields values={{ ARN: arn, ...attributes, Policy: undefined, EffectiveDeliveryPolicy: undefined }} />
            <Section title="Subscriptions">
              <Table
                label="Subscriptions"
                rows={subscriptions}
                empty="No subscriptions."
                columns={[
                  { title: 'Protocol', render: (s) => s['Protocol'] },
                  { title: 'Endpoint', render: (s) => s['Endpoint'] },
                  { title: 'State', render: (s) => <Status value={confirmation(s)} /> },
                  { title: 'Subscription', render: (s) => <code>{s['SubscriptionArn']}</code> },
                ]}
              />
            </Section>
            <Section title="Publish">
              <form class="inline" onSubmit={(e) => e.preventDefault()}>
                <TextField label="Subject (optional)" value={subject} onInput={setSubject} />
                <TextField label="Message" value={message} onInput={setMessage} />
                <Action
                  testId="sns-publish"
                  run={async () => {
                    const out = await call('sns', 'Publish', {
                      TopicArn: arn,
                      Message: message,
                      ...(subject ? { Subject: subject } : {}),
                    });
                    setPublished(out['MessageId']);
                  }}
                >
                  Publish
                </Action>
              </form>
              {published && <p class="muted">Published message {published}</p>}
            </Section>
          </>
        )}
      </Show>
    </Page>
  );
}
