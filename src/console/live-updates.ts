/**
 * Live updates for open consoles, as Server-Sent Events: activity as it happens (invocations,
 * batches, deliveries, function log lines) and "something changed in service X" hints, from the
 * change events and from every API request that may have changed state, gathered per client into
 * at most one message per CHANGE_COALESCE_MS so a burst of writes is one refresh. Each client costs
 * listeners and one keep-alive timer; with no console open nothing is subscribed.
 */
import type { ServerResponse } from 'node:http';
import type { ChangeEventName, ChangeEvents } from '../cloud/change-events.js';
import type { RequestLogEntry } from '../cloud/server.js';

const CHANGE_COALESCE_MS = 250;
/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const KEEP_ALIVE_MS = 25_000;

/** Operations that only read: they are not announced as changes. */
const READ_ONLY = /^(Get|List|Describe|Head|Scan|Query|BatchGet|Filter|Lookup|Select|Test|Validate|Estimate)/;

/** Change events and the service whose pages they concern. */
const SERVICE_OF: Partial<Record<ChangeEventName, string>> = {
  'kinesis.records': 'kinesis',
  'dynamodb.stream-records': 'dynamodb',
  'sqs.messages': 'sqs',
  's3.notifications': 's3',
  'sns.deliveries': 'sns',
};

type RequestListener = (entry: RequestLogEntry) => void;

export class LiveUpdates {
  private readonly requestListeners = new Set<RequestListener>();

  constructor(private readonly events: ChangeEvents) {}

  /** Every API request the server answered (wired to the server's onRequest). */
  requestAnswered(entry: RequestLogEntry): void {
    for (const listener of this.requestListeners) listener(entry);
  }

  /** Streams to `res` until the client goes away. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('hello', { at: Date.now() });

    const changed = new Set<string>();
    let flush: NodeJS.Timeout | undefined;
    const markChanged = (service: string) => {
      changed.add(service);
      flush ??= setTimeout(() => {
        flush = undefined;
        send('change', { services: [...changed] });
        changed.clear();
      }, CHANGE_COALESCE_MS);
    };
    const onRequest: RequestListener = (entry) => {
      if (entry.status < 400 && !READ_ONLY.test(entry.operation)) markChanged(entry.service);
    };
    this.requestListeners.add(onRequest);
    const unsubscribe = [
      // An invocation changes no resource: views that list invocations follow these events themselves.
      this.events.on('activity.invocation', (event) => send('invocation', event)),
      this.events.on('activity.batch', (event) => send('batch', event)),
      this.events.on('activity.delivery', (event) => send('delivery', event)),
      this.events.on('activity.function-logs', (event) => send('logs', event)),
      ...Object.entries(SERVICE_OF).map(([name, service]) =>
        this.events.on(name as ChangeEventName, () => markChanged(service)),
      ),
    ];
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    res.on('close', () => {
      clearInterval(keepAlive);
      if (flush) clearTimeout(flush);
      this.requestListeners.delete(onRequest);
      for (const off of unsubscribe) off();
    });
  }
}
