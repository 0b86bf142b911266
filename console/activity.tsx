/** Recent activity: the server's snapshot at first, then each live event appended as it arrives. */
import { useEffect, useState } from 'preact/hooks';
import { type ActivitySnapshot, activity, type Batch, type Delivery, type Invocation, onLive } from './api.js';
import { type Column, Status, time } from './components.js';
import { href } from './router.js';

const KEEP = 500;

export function useActivity(): ActivitySnapshot & { loaded: boolean } {
  const [state, setState] = useState<ActivitySnapshot & { loaded: boolean }>({
    invocations: [],
    batches: [],
    deliveries: [],
    loaded: false,
  });
  useEffect(() => {
    // Live events first, so nothing that happens while the snapshot loads is missed.
    const append =
      <K extends keyof ActivitySnapshot>(key: K) =>
      (item: ActivitySnapshot[K][number]) =>
        setState((s) => ({ ...s, [key]: [...s[key], item].slice(-KEEP) }));
    const offs = [
      onLive('invocation', append('invocations')),
      onLive('batch', append('batches')),
      onLive('delivery', append('deliveries')),
    ];
    activity().then((snapshot) =>
      setState((s) => ({
        invocations: merge(snapshot.invocations, s.invocations),
        batches: merge(snapshot.batches, s.batches),
        deliveries: merge(snapshot.deliveries, s.deliveries),
        loaded: true,
      })),
    );
    return () => {
      for (const off of offs) off();
    };
  }, []);
  return state;
}

/** The snapshot then the live items it does not already hold (same time and content). */
function merge<T>(snapshot: T[], live: T[]): T[] {
  const seen = new Set(snapshot.map((item) => JSON.stringify(item)));
  return [...snapshot, ...live.filter((item) => !seen.has(JSON.stringify(item)))].slice(-KEEP);
}

export const invocationColumns: Column<Invocation>[] = [
  { title: 'Time', render: (i) => time(i.at) },
  { title: 'Function', render: (i) => <a href={href('lambda', i.functionName)}>{i.functionName}</a> },
  { title: 'Version', render: (i) => i.version },
  { title: 'Trigger', render: (i) => i.trigger },
  { title: 'Duration', render: (i) => `${i.durationMs.toFixed(1)} ms`, class: 'num' },
  {
    title: 'Init',
    render: (i) => (i.initDurationMs === undefined ? '' : `${i.initDurationMs.toFixed(1)} ms`),
    class: 'num',
  },
  { title: 'Memory', render: (i) => `${i.maxMemoryUsedMb} / ${i.memorySizeMb} MB`, class: 'num' },
  { title: 'Status', render: (i) => <Status value={i.functionError ? `Error (${i.functionError})` : 'Success'} /> },
];

export const batchColumns: Column<Batch>[] = [
  { title: 'Time', render: (b) => time(b.at) },
  { title: 'Mapping', render: (b) => <a href={href('mappings', b.mappingUuid)}>{b.mappingUuid.slice(0, 8)}</a> },
  { title: 'Source', render: (b) => b.eventSourceArn.split(':').slice(-1)[0] },
  { title: 'Records', render: (b) => b.records, class: 'num' },
  { title: 'Outcome', render: (b) => <Status value={b.outcome} /> },
  { title: 'Detail', render: (b) => b.detail ?? '' },
];

export const deliveryColumns: Column<Delivery>[] = [
  { title: 'Time', render: (d) => time(d.at) },
  { title: 'From', render: (d) => `${d.source}: ${d.from.split(':').slice(-1)[0]}` },
  { title: 'To', render: (d) => d.target },
  { title: 'Outcome', render: (d) => <Status value={d.outcome} /> },
  { title: 'Detail', render: (d) => d.detail ?? '' },
];

/** Newest first, at most `n`. */
export function latest<T>(items: T[], n: number): T[] {
  return items.slice(-n).reverse();
}
