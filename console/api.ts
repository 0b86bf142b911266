/**
 * The page's side of the console API: service calls (the AWS operations, run by the local cloud's
 * own handlers), the overview and activity, and one EventSource shared by every view.
 */
export interface ConsoleConfig {
  token: string;
  region: string;
}

function readConfig(): ConsoleConfig {
  const element = document.getElementById('console-config');
  return JSON.parse(element?.textContent ?? '{"token":"","region":"us-east-1"}') as ConsoleConfig;
}

export const config = readConfig();
const BASE = '/_console/api';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: outputs are AWS shapes the views read loosely
export type Output = Record<string, any>;

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${BASE}${path}`, {
    ...init,
    headers: { 'x-console-token': config.token, 'content-type': 'application/json', ...init.headers },
  });
  const body = (await response.json()) as { error?: { code: string; message: string } } & T;
  if (!response.ok || body.error) {
    throw new ApiError(body.error?.code ?? 'Error', body.error?.message ?? response.statusText, response.status);
  }
  return body;
}

/** An AWS operation of a local service, as the default account in the cloud's region. */
export async function call(service: string, operation: string, input: object = {}): Promise<Output> {
  const { output } = await request<{ output: Output }>('/call', {
    method: 'POST',
    body: JSON.stringify({ service, operation, input }),
  });
  return output;
}

/** Every item of a paged listing. */
export async function listAll(
  service: string,
  operation: string,
  items: string,
  next?: { input: string; output: string },
  input: object = {},
): Promise<Output[]> {
  const all: Output[] = [];
  let token: unknown;
  do {
    const page = await call(service, operation, { ...input, ...(token && next ? { [next.input]: token } : {}) });
    all.push(...((page[items] as Output[] | undefined) ?? []));
    token = next ? page[next.output] : undefined;
  } while (token);
  return all;
}

export interface ResourceCount {
  service: string;
  kind: string;
  count: number;
}

export const overview = () => request<{ region: string; counts: ResourceCount[] }>('/overview');

export interface Invocation {
  at: number;
  functionName: string;
  version: string;
  requestId: string;
  trigger: string;
  durationMs: number;
  initDurationMs?: number;
  maxMemoryUsedMb: number;
  memorySizeMb: number;
  functionError?: string;
}
export interface Batch {
  at: number;
  mappingUuid: string;
  eventSourceArn: string;
  functionArn: string;
  records: number;
  shardId?: string;
  iteratorAgeMs?: number;
  outcome: string;
  detail?: string;
}
export interface Delivery {
  at: number;
  source: string;
  from: string;
  target: string;
  outcome: string;
  detail?: string;
}
export interface FunctionLogs {
  group: string;
  stream: string;
  events: { timestamp: number; message: string }[];
}
export interface ActivitySnapshot {
  invocations: Invocation[];
  batches: Batch[];
  deliveries: Delivery[];
}

export const activity = () => request<ActivitySnapshot>('/activity');

/** A link that downloads an S3 object (the token rides in the query: a plain link cannot send headers). */
export function downloadUrl(bucket: string, key: string): string {
  const query = new URLSearchParams({ bucket, key, token: config.token });
  return `${BASE}/s3/object?${query}`;
}

export interface LiveEventMap {
  invocation: Invocation;
  batch: Batch;
  delivery: Delivery;
  logs: FunctionLogs;
  change: { services: string[] };
}
type Listener<K extends keyof LiveEventMap> = (event: LiveEventMap[K]) => void;

const listeners = new Map<string, Set<(event: never) => void>>();
let source: EventSource | undefined;

/** Subscribes to a live event; the stream opens with the first subscriber. Returns the unsubscribe. */
export function onLive<K extends keyof LiveEventMap>(name: K, listener: Listener<K>): () => void {
  if (!source) {
    source = new EventSource(`${BASE}/events?token=${encodeURIComponent(config.token)}`);
    source.addEventListener('hello', () => document.documentElement.setAttribute('data-live', 'on'));
    source.addEventListener('error', () => document.documentElement.setAttribute('data-live', 'off'));
  }
  let set = listeners.get(name);
  if (!set) {
    set = new Set();
    listeners.set(name, set);
    source.addEventListener(name, (message) => {
      const data = JSON.parse((message as MessageEvent<string>).data) as never;
      for (const each of listeners.get(name) ?? []) each(data);
    });
  }
  set.add(listener as (event: never) => void);
  return () => set.delete(listener as (event: never) => void);
}

/** Bytes as the API sends them. */
export interface Bytes {
  $bytes: string;
  text?: string;
  truncated?: boolean;
}

export function bytesText(value: Bytes | undefined): string {
  if (!value) return '';
  return value.text ?? `(${Math.floor((value.$bytes.length * 3) / 4)} bytes of binary data)`;
}

export function textBytes(text: string): Bytes {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { $bytes: btoa(binary) };
}
