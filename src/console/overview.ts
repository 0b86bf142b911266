/**
 * The overview's counts: every resource kind of every service, counted through the services' own
 * List/Describe operations (all pages), so the numbers are what `aws` would list.
 */
import type { ServiceCall } from '../cloud/service-caller.js';

interface ListingSpec {
  service: string;
  kind: string;
  operation: string;
  input?: Record<string, unknown>;
  /** The output member holding the page's items. */
  items: string;
  /** The input member that asks for the next page, and the output member that gives it. */
  next?: { input: string; output: string };
}

/** One row per resource kind, in the order the overview shows them. */
export const LISTINGS: readonly ListingSpec[] = [
  {
    service: 'lambda',
    kind: 'functions',
    operation: 'ListFunctions',
    items: 'Functions',
    next: { input: 'Marker', output: 'NextMarker' },
  },
  {
    service: 'lambda',
    kind: 'event source mappings',
    operation: 'ListEventSourceMappings',
    items: 'EventSourceMappings',
    next: { input: 'Marker', output: 'NextMarker' },
  },
  {
    service: 'cloudformation',
    kind: 'stacks',
    operation: 'DescribeStacks',
    items: 'Stacks',
    next: { input: 'NextToken', output: 'NextToken' },
  },
  { service: 's3', kind: 'buckets', operation: 'ListBuckets', items: 'Buckets' },
  {
    service: 'sqs',
    kind: 'queues',
    operation: 'ListQueues',
    input: { MaxResults: 1000 },
    items: 'QueueUrls',
    next: { input: 'NextToken', output: 'NextToken' },
  },
  {
    service: 'dynamodb',
    kind: 'tables',
    operation: 'ListTables',
    items: 'TableNames',
    next: { input: 'ExclusiveStartTableName', output: 'LastEvaluatedTableName' },
  },
  {
    service: 'kinesis',
    kind: 'streams',
    operation: 'ListStreams',
    items: 'StreamNames',
    next: { input: 'NextToken', output: 'NextToken' },
  },
  {
    service: 'sns',
    kind: 'topics',
    operation: 'ListTopics',
    items: 'Topics',
    next: { input: 'NextToken', output: 'NextToken' },
  },
  {
    service: 'sns',
    kind: 'subscriptions',
    operation: 'ListSubscriptions',
    items: 'Subscriptions',
    next: { input: 'NextToken', output: 'NextToken' },
  },
  {
    service: 'iam',
    kind: 'roles',
    operation: 'ListRoles',
    items: 'Roles',
    next: { input: 'Marker', output: 'Marker' },
  },
  {
    service: 'iam',
    kind: 'policies',
    operation: 'ListPolicies',
    input: { Scope: 'Local' },
    items: 'Policies',
    next: { input: 'Marker', output: 'Marker' },
  },
  {
    service: 'logs',
    kind: 'log groups',
    operation: 'DescribeLogGroups',
    items: 'logGroups',
    next: { input: 'nextToken', output: 'nextToken' },
  },
];

export interface ResourceCount {
  service: string;
  kind: string;
  count: number;
}

/** Every item of a listing, following its pages. */
export async function listAll(call: ServiceCall, spec: ListingSpec): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: unknown;
  do {
    const input = { ...spec.input, ...(token !== undefined && spec.next ? { [spec.next.input]: token } : {}) };
    const page = await call(spec.service, spec.operation, input);
    items.push(...((page[spec.items] as unknown[] | undefined) ?? []));
    token = spec.next ? page[spec.next.output] : undefined;
  } while (token !== undefined && token !== null && token !== '');
  return items;
}

/** The counts of every listing of the services served; a listing that fails counts as unknown (-1). */
export async function resourceCounts(call: ServiceCall, served: ReadonlySet<string>): Promise<ResourceCount[]> {
  const listings = LISTINGS.filter((spec) => served.has(spec.service));
  return Promise.all(
    listings.map(async (spec) => {
      const count = await listAll(call, spec).then(
        (items) => items.length,
        () => -1,
      );
      return { service: spec.service, kind: spec.kind, count };
    }),
  );
}
