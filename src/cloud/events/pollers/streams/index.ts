/**
 * Kinesis and DynamoDB Streams pollers: one StreamMappingPoller per mapping that should poll
 * (Enabled, or settling into it), kept in step with the Lambda API through the mappings' change
 * notifications. A mapping that is disabled or deleted stops at once (its checkpoints stay); one
 * that is updated restarts with its new settings after its batch in flight came back, so a shard
 * never has two batches in flight.
 */
import { isStream } from '../../../services/lambda/mappings/sources.js';
import type { PollerDeps, RunningPollers } from '../../index.js';
import { pollerRevision } from '../shared/revision.js';
import { StreamMappingPoller } from './mapping-poller.js';

export function startStreamPollers(deps: PollerDeps): RunningPollers {
  const running = new Map<string, { poller: StreamMappingPoller; revision: string }>();
  /** Per mapping, the stop of its previous poller, so the next one starts only after it. */
  const stopping = new Map<string, Promise<void>>();
  let closed = false;

  function stop(uuid: string): void {
    const current = running.get(uuid);
    if (!current) return;
    running.delete(uuid);
    const stopped = current.poller.stop().finally(() => {
      if (stopping.get(uuid) === stopped) stopping.delete(uuid);
    });
    stopping.set(uuid, stopped);
  }

  function reconcile(): void {
    if (closed) return;
    const wanted = new Map(
      deps.mappings
        .polling()
        .filter((m) => isStream(m.kind))
        .map((m) => [m.uuid, m]),
    );
    for (const uuid of [...running.keys()]) {
      const mapping = wanted.get(uuid);
      if (!mapping || pollerRevision(mapping) !== running.get(uuid)?.revision) stop(uuid);
    }
    for (const [uuid, mapping] of wanted) {
      if (running.has(uuid)) continue;
      const revision = pollerRevision(mapping);
      const previous = stopping.get(uuid);
      if (previous) {
        // Start once the old poller is gone, if this is still what the mapping wants then.
        void previous.then(reconcile);
        continue;
      }
      running.set(uuid, { poller: new StreamMappingPoller(deps, mapping), revision });
    }
  }

  const unsubscribe = deps.mappings.onChange(() => reconcile());
  reconcile();
  return {
    close: async () => {
      closed = true;
      unsubscribe();
      for (const uuid of [...running.keys()]) stop(uuid);
      await Promise.all(stopping.values());
    },
  };
}
