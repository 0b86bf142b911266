/**
 * Reading an SQS function's partial batch response, table-driven, per AWS's success and failure
 * conditions for ReportBatchItemFailures, and the FIFO rule that a failed message holds back the
 * rest of its group in the batch.
 */
import { describe, expect, it } from 'vitest';
import { failedMessageIds, withFollowersInGroup } from '../../../src/cloud/events/pollers/sqs/batch-response.js';
import type { QueueRecord } from '../../../src/cloud/events/pollers/sqs/queue-records.js';

const record = (messageId: string, groupId?: string): QueueRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  groupId,
  event: {},
  size: 0,
});
const batch = [record('m1'), record('m2'), record('m3')];
const ALL = ['m1', 'm2', 'm3'];

const CASES: [name: string, answer: unknown, failed: string[]][] = [
  ['no answer', undefined, []],
  ['null', null, []],
  ['an empty object', {}, []],
  ['a null list', { batchItemFailures: null }, []],
  ['an empty list', { batchItemFailures: [] }, []],
  ['one failure', { batchItemFailures: [{ itemIdentifier: 'm2' }] }, ['m2']],
  ['two failures', { batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm1' }] }, ['m3', 'm1']],
  ['an empty identifier fails the batch', { batchItemFailures: [{ itemIdentifier: '' }] }, ALL],
  ['a null identifier fails the batch', { batchItemFailures: [{ itemIdentifier: null }] }, ALL],
  ['a misspelt key fails the batch', { batchItemFailures: [{ itemIdentifer: 'm1' }] }, ALL],
  ['an unknown message fails the batch', { batchItemFailures: [{ itemIdentifier: 'other' }] }, ALL],
  ['a list that is not one fails the batch', { batchItemFailures: 'm1' }, ALL],
  ['a string answer is ignored', 'done', []],
];

describe('partial batch responses', () => {
  it.each(CASES)('%s', (_name, answer, failed) => {
    expect([...failedMessageIds(answer, batch, true)]).toEqual(failed);
  });

  it('are not read without ReportBatchItemFailures', () => {
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm1' }] }, batch, false).size).toBe(0);
  });

  it('hold back the rest of a failed message’s FIFO group', () => {
    const fifo = [record('a1', 'a'), record('b1', 'b'), record('a2', 'a'), record('a3', 'a'), record('b2', 'b')];
    expect([...withFollowersInGroup(new Set(['a2']), fifo)]).toEqual(['a2', 'a3']);
    expect([...withFollowersInGroup(new Set(['b1']), fifo)]).toEqual(['b1', 'b2']);
    expect([...withFollowersInGroup(new Set(), fifo)]).toEqual([]);
  });
});
