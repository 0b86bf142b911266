/**
 * What a running poller was built from: the function, the source and the settings. A mapping
 * change that alters any of them restarts the poller; one that does not (a state, a tag) leaves it.
 */
import type { PollingMapping } from '../../../services/lambda/index.js';

export function pollerRevision(mapping: PollingMapping): string {
  return JSON.stringify([mapping.functionArn, mapping.eventSourceArn, mapping.settings]);
}
