/**
 * SQS: queues with their counts; per queue its attributes, send, peek (receive with a visibility
 * timeout of 0: the messages stay available, though their receive count grows, as in AWS's own
 * console), purge, and moving a dead-letter queue's messages back (StartMessageMoveTask).
 */
import { useState } from 'preact/hooks';
import { call, listAll, type Output } from '../api.js';
import { Action, Fields, JsonEditor, Page, Section, Show, Table, TextField, useLoad } from '../components.js';
import { href, type Route } from '../router.js';

export function SqsPage({ route }: { route: Route }) {
  const name = route.parts[1];
  return name ? <QueueView name={name} /> : <QueueList />;
}

async function queueUrls(): Promise<string[]> {
  const next = { input: 'NextToken', output: 'NextToken' };
  return (await listAll('sqs', 'ListQueues', 'QueueUrls', next, { MaxResults: 1000 })) as unknown as string[];
}

function QueueList() {
  const queues = useLoad(
    async () =>
      Promise.all(
        (await queueUrls()).map(async (url) => ({
          url,
          attributes: ((await call('sqs', 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] }))[
            'Attributes'
          ] ?? {}) as Record<string, string>,
        })),
      ),
    [],
    ['sqs'],
  );
  return (
    <Page title="SQS queues">
      <Show loaded={queues}>
        {(rows) => (
          <Table
            label="Queues"
            rows={rows}
            empty="No queues."
            columns={[
              {
                title: 'Name',
                render: (q) => <a href={href('sqs', q.url.split('/').pop() ?? '')}>{q.url.split('/').pop()}</a>,
              },
              { title: 'Available', render: (q) => q.attributes['ApproximateNumberOfMessages'], class: 'num' },
              {
                title: 'In flight',
                render: (q) => q.attributes['ApproximateNumberOfMessagesNotVisible'],
                class: 'num',
              },
              { title: 'Delayed', render: (q) => q.attributes['ApproximateNumberOfMessagesDelayed'], class: 'num' },
              { title: 'Dead-letter queue', render: (q) => deadLetterTarget(q.attributes) },
            ]}
          />
        )}
      </Show>
    </Page>
  );
}

function deadLetterTarget(attributes: Record<string, string>): string {
  const policy = attributes['RedrivePolicy'];
  if (!policy) return '';
  try {
    return (
      String((JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn ?? '')
        .split(':')
        .pop() ?? ''
    );
  } catch {
    return '';
  }
}

function QueueView({ name }: { name: string }) {
  const queue = useLoad(
    async () => {
      const { QueueUrl } = await call('sqs', 'GetQueueUrl', { QueueName: name });
      const { Attributes } = await call('sqs', 'GetQueueAttributes', { QueueUrl, AttributeNames: ['All'] });
      const sources = await call('sqs', 'ListDeadLetterSourceQueues', { QueueUrl });
      return {
        url: QueueUrl as string,
        attributes: (Attributes ?? {}) as Record<string, string>,
        sources: (sources['queueUrls'] as string[] | undefined) ?? [],
      };
    },
    [name],
    ['sqs'],
  );
  const [peeked, setPeeked] = useState<Output[]>();
  return (
    <Page title={`Queue ${name}`} actions={<a href={href('sqs')}>All queues</a>}>
      <Show loaded={queue}>
        {({ url, attributes, sources }) => (
          <>
            <Fields values={{ URL: url, ...attributes }} />
            <SendForm url={url} fifo={name.endsWith('.fifo')} />
            <Section
              title="Messages"
              actions={
                <>
                  <Action
                    testId="sqs-peek"
                    run={async () => {
                      const out = await call('sqs', 'ReceiveMessage', {
                        QueueUrl: url,
                        MaxNumberOfMessages: 10,
                        VisibilityTimeout: 0,
                        MessageSystemAttributeNames: ['All'],
                        MessageAttributeNames: ['All'],
                      });
                      setPeeked((out['Messages'] as Output[] | undefined) ?? []);
                    }}
                  >
                    Peek
                  </Action>
                  <Action
                    kind="danger"
                    confirm={`Delete every message in ${name}?`}
                    run={() => call('sqs', 'PurgeQueue', { QueueUrl: url })}
                  >
                    Purge
                  </Action>
                  {sources.length > 0 && (
                    <Action
                      testId="sqs-redrive"
                      run={() => call('sqs', 'StartMessageMoveTask', { SourceArn: attributes['QueueArn'] })}
                    >
                      Move messages back to their source queues
                    </Action>
                  )}
                </>
              }
            >
              {peeked && (
                <Table
                  label="Peeked messages"
                  rows={peeked}
                  empty="No message is available now."
                  columns={[
                    { title: 'Message id', render: (m) => <code>{m['MessageId']}</code> },
                    { title: 'Body', render: (m) => <pre class="cell">{m['Body']}</pre> },
                    { title: 'Receives', render: (m) => m['Attributes']?.['ApproximateReceiveCount'], class: 'num' },
                    {
                      title: 'Attributes',
                      render: (m) => (m['MessageAttributes'] ? JSON.stringify(m['MessageAttributes']) : ''),
                    },
                  ]}
                />
              )}
            </Section>
          </>
        )}
      </Show>
    </Page>
  );
}

function SendForm({ url, fifo }: { url: string; fifo: boolean }) {
  const [body, setBody] = useState('{"hello":"world"}');
  const [group, setGroup] = useState('default');
  const [sent, setSent] = useState<string>();
  return (
    <Section title="Send a message">
      <JsonEditor
        id="sqs-body"
        label="Body (any text; JSON is checked for convenience)"
        value={body}
        onInput={setBody}
        rows={4}
      />
      {fifo && <TextField label="Message group id" value={group} onInput={setGroup} />}
      <Action
        testId="sqs-send"
        run={async () => {
          const out = await call('sqs', 'SendMessage', {
            QueueUrl: url,
            MessageBody: body,
            ...(fifo
              ? {
                  MessageGroupId: group,
                  MessageDeduplicationId: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
                }
              : {}),
          });
          setSent(out['MessageId']);
        }}
      >
        Send
      </Action>
      {sent && <p class="muted">Sent message {sent}</p>}
    </Section>
  );
}
