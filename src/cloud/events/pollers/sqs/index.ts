/**
 * SQS pollers: one QueuePoller per mapping that should poll a queue (Enabled, or on its way there),
 * kept in step with the mappings through their change notifications. A mapping disabled or deleted
 * stops receiving at once; a mapping updated is restarted with its new settings.
 */
import type { PollerDeps, RunningPollers } from '../../index.js';
import { pollerRevision } from '../shared/revision.js';
import { QueuePoller } from './queue-poller.js';

export function startQueuePollers(deps: PollerDeps): RunningPollers {
  const running = new Map<string, { poller: QueuePoller; revision: string }>();
  let closed = false;

  const reconcile = (): void => {
    if (closed) return;
    const wanted = new Map(
      deps.mappings
        .polling()
        .filter((m) => m.kind === 'sqs')
        .map((m) => [m.uuid, m]),
    );
    for (const [uuid, entry] of running) {
      const mapping = wanted.get(uuid);
      if (mapping === undefined || pollerRevision(mapping) !== entry.revision) {
        entry.poller.stop();
        running.delete(uuid);
      }
    }
    for (const mapping of wanted.values()) {
      if (running.has(mapping.uuid)) continue;
      const poller = new QueuePoller(deps, mapping, () => closed);
      running.set(mapping.uuid, { poller, revision: pollerRevision(mapping) });
      poller.start();
    }
  };

  const unsubscribe = deps.mappings.onChange(reconcile);
  reconcile();
  return {
    close: async () => {
      closed = true;
      unsubscribe();
      for (const { poller } of running.values()) poller.stop();
      running.clear();
    },
  };
}
