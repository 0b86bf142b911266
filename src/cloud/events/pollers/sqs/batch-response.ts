/**
 * Which messages of a batch failed, from the function's answer. Without ReportBatchItemFailures
 * the answer is not read: the batch succeeded. With it, per AWS's success and failure conditions
 * for SQS: an empty or null answer or `batchItemFailures` list is a complete success; an item
 * whose `itemIdentifier` is missing, empty, not a string or not a message of the batch makes the
 * whole batch a failure.
 */
import type { QueueRecord } from './queue-records.js';

/** The message ids to leave in the queue; every one of the batch when it failed as a whole. */
export function failedMessageIds(
  answer: unknown,
  batch: readonly QueueRecord[],
  reportItemFailures: boolean,
): Set<string> {
  const none = new Set<string>();
  if (!reportItemFailures || answer === null || typeof answer !== 'object' || Array.isArray(answer)) return none;
  const failures = (answer as Record<string, unknown>)['batchItemFailures'];
  if (failures === undefined || failures === null) return none;
  const all = new Set(batch.map((r) => r.messageId));
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id =
      failure !== null && typeof failure === 'object'
        ? (failure as Record<string, unknown>)['itemIdentifier']
        : undefined;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/**
 * FIFO queues: a failed message holds back the messages after it in its group (they go back with
 * it, so the group's order is kept), as AWS documents for partial batch responses on FIFO queues.
 */
export function withFollowersInGroup(failed: ReadonlySet<string>, batch: readonly QueueRecord[]): Set<string> {
  const blockedGroups = new Set<string>();
  const held = new Set<string>();
  for (const record of batch) {
    const group = record.groupId ?? '';
    if (failed.has(record.messageId) || blockedGroups.has(group)) {
      held.add(record.messageId);
      blockedGroups.add(group);
    }
  }
  return held;
}
