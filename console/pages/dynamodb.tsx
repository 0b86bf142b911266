/** DynamoDB: tables; per table its description, scan and query with a form, put/edit/delete an item. */
import { useState } from 'preact/hooks';
import { call, listAll, type Output } from '../api.js';
import {
  Action,
  ErrorBox,
  Fields,
  JsonEditor,
  Page,
  Section,
  Show,
  Status,
  Table,
  TextField,
  useLoad,
} from '../components.js';
import { href, type Route } from '../router.js';

export function DynamoDbPage({ route }: { route: Route }) {
  const table = route.parts[1];
  return table ? <TableView name={table} /> : <TableList />;
}

function TableList() {
  const tables = useLoad(
    () =>
      listAll('dynamodb', 'ListTables', 'TableNames', {
        input: 'ExclusiveStartTableName',
        output: 'LastEvaluatedTableName',
      }),
    [],
    ['dynamodb'],
  );
  return (
    <Page title="DynamoDB tables">
      <Show loaded={tables}>
        {(names) => (
          <Table
            label="Tables"
            rows={names as unknown as string[]}
            empty="No tables."
            columns={[{ title: 'Name', render: (n) => <a href={href('dynamodb', n)}>{n}</a> }]}
          />
        )}
      </Show>
    </Page>
  );
}

/** An attribute value as text: `{"S":"x"}` -> x, numbers and nested values as JSON. */
function attributeText(value: Output | undefined): string {
  if (!value) return '';
  const [type, inner] = Object.entries(value)[0] ?? [];
  if (type === 'S' || type === 'N') return String(inner);
  if (type === 'BOOL') return String(inner);
  if (type === 'NULL') return 'null';
  return JSON.stringify(inner);
}

function TableView({ name }: { name: string }) {
  const description = useLoad(
    async () => (await call('dynamodb', 'DescribeTable', { TableName: name }))['Table'] as Output,
    [name],
    ['dynamodb'],
  );
  const [mode, setMode] = useState<'scan' | 'query'>('scan');
  const [keyCondition, setKeyCondition] = useState('');
  const [values, setValues] = useState('{}');
  const [items, setItems] = useState<Output[]>();
  const [error, setError] = useState<Error>();
  const [editing, setEditing] = useState('');
  const run = async () => {
    setError(undefined);
    try {
      const input =
        mode === 'query'
          ? {
              TableName: name,
              KeyConditionExpression: keyCondition,
              ExpressionAttributeValues: JSON.parse(values),
              Limit: 100,
            }
          : { TableName: name, Limit: 100 };
      const out = await call('dynamodb', mode === 'query' ? 'Query' : 'Scan', input);
      setItems((out['Items'] as Output[] | undefined) ?? []);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <Page title={`Table ${name}`} actions={<a href={href('dynamodb')}>All tables</a>}>
      <Show loaded={description}>
        {(t) => {
          const keys = (t['KeySchema'] as Output[]).map((k) => k['AttributeName'] as string);
          return (
            <>
              <Fields
                values={{
                  Status: <Status value={t['TableStatus']} />,
                  ARN: t['TableArn'],
                  'Key schema': (t['KeySchema'] as Output[])
                    .map((k) => `${k['AttributeName']} (${k['KeyType']})`)
                    .join(', '),
                  'Item count': t['ItemCount'],
                  'Billing mode': t['BillingModeSummary']?.['BillingMode'],
                  Stream: t['LatestStreamArn'],
                  'Global secondary indexes': t['GlobalSecondaryIndexes']
                    ?.map((i: Output) => i['IndexName'])
                    .join(', '),
                  'Local secondary indexes': t['LocalSecondaryIndexes']?.map((i: Output) => i['IndexName']).join(', '),
                }}
              />
              <Section title="Scan or query">
                <form
                  class="inline"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run();
                  }}
                >
                  <label class="field">
                    <span>Operation</span>
                    <select
                      value={mode}
                      onChange={(e) => setMode((e.target as HTMLSelectElement).value as 'scan' | 'query')}
                    >
                      <option value="scan">Scan</option>
                      <option value="query">Query</option>
                    </select>
                  </label>
                  {mode === 'query' && (
                    <>
                      <TextField
                        label="Key condition"
                        value={keyCondition}
                        onInput={setKeyCondition}
                        placeholder={`${keys[0]} = :k`}
                      />
                      <TextField
                        label="Values (JSON)"
                        value={values}
                        onInput={setValues}
                        placeholder='{":k":{"S":"..."}}'
                      />
                    </>
                  )}
                  <button type="submit" data-testid="ddb-run">
                    Run
                  </button>
                </form>
                <ErrorBox error={error} />
                {items && (
                  <Table
                    label="Items"
                    rows={items}
                    empty="No items."
                    columns={[
                      ...columnsOf(items, keys).map((attribute) => ({
                        title: attribute,
                        render: (item: Output) => attributeText(item[attribute]),
                      })),
                      {
                        title: '',
                        render: (item: Output) => (
                          <>
                            <button type="button" onClick={() => setEditing(JSON.stringify(item, null, 2))}>
                              Edit
                            </button>{' '}
                            <Action
                              kind="danger"
                              confirm="Delete this item?"
                              run={async () => {
                                await call('dynamodb', 'DeleteItem', {
                                  TableName: name,
                                  Key: Object.fromEntries(keys.map((k) => [k, item[k]])),
                                });
                                await run();
                              }}
                            >
                              Delete
                            </Action>
                          </>
                        ),
                      },
                    ]}
                  />
                )}
              </Section>
              <Section title="Put an item (DynamoDB JSON)">
                <JsonEditor
                  id="ddb-item"
                  label="Item"
                  value={editing || `{\n  "${keys[0]}": { "S": "" }\n}`}
                  onInput={setEditing}
                  rows={8}
                />
                <Action
                  testId="ddb-put"
                  run={async () => {
                    await call('dynamodb', 'PutItem', { TableName: name, Item: JSON.parse(editing || '{}') });
                    setEditing('');
                    await run();
                  }}
                >
                  Put item
                </Action>
              </Section>
            </>
          );
        }}
      </Show>
    </Page>
  );
}

/** The key attributes first, then every other attribute the items have. */
function columnsOf(items: Output[], keys: string[]): string[] {
  const others = new Set<string>();
  for (const item of items) for (const name of Object.keys(item)) if (!keys.includes(name)) others.add(name);
  return [...keys, ...[...others].sort()];
}
