/**
 * The record as filters see it, per Lambda's event filtering guide: an SQS message's `body` and a
 * Kinesis record's `data` are matched as JSON when they hold JSON (a pattern with keys under
 * `body` or `data` then looks inside), and as the plain string otherwise. So a pattern with keys
 * for a body that is not JSON, or a plain-string pattern for a JSON body, matches nothing and the
 * record is dropped, as the guide's table says. DynamoDB records are matched as they are (their
 * `dynamodb` member is already JSON).
 */

/** A JSON object or array in `text`, or undefined when it holds something else. */
function parseJsonDocument(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sqsView(record: Record<string, unknown>): Record<string, unknown> {
  const body = record['body'];
  if (typeof body !== 'string') return record;
  const parsed = parseJsonDocument(body);
  return parsed === undefined ? record : { ...record, body: parsed };
}

/**
 * A Kinesis record's fields under `kinesis` are also offered at the top level, where the guide's
 * patterns name them (`data`, `partitionKey`), with `data` decoded from base64.
 */
function kinesisView(record: Record<string, unknown>): Record<string, unknown> {
  const kinesis = record['kinesis'];
  if (kinesis === null || typeof kinesis !== 'object') return record;
  const fields = kinesis as Record<string, unknown>;
  const data = fields['data'];
  const decoded =
    typeof data === 'string' ? parseJsonDocument(Buffer.from(data, 'base64').toString('utf8')) : undefined;
  return { ...record, ...fields, data: decoded ?? data };
}

/**
 * What patterns are matched against. `parseData` is false when no pattern names `body` or `data`,
 * which spares the decoding.
 */
export function filterView(record: Record<string, unknown>, parseData: boolean): Record<string, unknown> {
  switch (record['eventSource']) {
    case 'aws:sqs':
      return parseData ? sqsView(record) : record;
    case 'aws:kinesis':
      return parseData ? kinesisView(record) : { ...record, ...(record['kinesis'] as object | undefined) };
    default:
      return record;
  }
}
