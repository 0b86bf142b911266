/**
 * SQS pollers: one QueuePoller per mapping that should poll a queue (Enabled, or on its way there),
 * kept in step with the mappings through their change notifications. A mapping disabled or deleted
 * stops receiving at once; a mapping updated is restarted with its new settings.
 */
import type { PollingMapping } from '../../../services/lambda/index.js';
import type { PollerDeps, RunningPollers } from '../../index.js';
import { QueuePoller } from './queue-poller.js';

/** What a poller is built from: a change here restarts it. */
function configuration(mapping: PollingMapping): string {
  return JSON.stringify([mapping.functionArn, mapping.eventSourceArn, mapping.settings]);
}

export function startQueuePollers(deps: PollerDeps): RunningPollers {
  const running = new Map<string, { poller: QueuePoller; configuration: string }>();
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
      if (mapping === undefined || configuration(mapping) !== entry.configuration) {
        entry.poller.stop();
        running.delete(uuid);
      }
    }
    for (const mapping of wanted.values()) {
      if (running.has(mapping.uuid)) continue;
      const poller = new QueuePoller(deps, mapping, () => closed);
      running.set(mapping.uuid, { poller, configuration: configuration(mapping) });
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
