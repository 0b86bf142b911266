/**
 * The invocation record AWS sends to a stream mapping's OnFailure destination when it discards a
 * batch, as recorded against AWS: `requestContext` (condition RetryAttemptsExhausted or
 * RecordAgeExceeded, approximateInvokeCount), `responseContext` for batches the function answered
 * (functionError null when the function returned item failures rather than an error; left out for
 * RecordAgeExceeded), `version`, `timestamp`, and the batch's shard, sequence range, arrival times
 * and size under KinesisBatchInfo or DDBStreamBatchInfo.
 */
import type { BatchInfoFormat, SourceRecord } from './stream-source.js';

export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface LastResponse {
  requestId: string;
  statusCode: number;
  executedVersion: string;
  /** 'Unhandled' or 'Handled'; null when the function answered with failures instead. */
  functionError: string | null;
}

export interface DiscardedRecords {
  condition: DiscardCondition;
  functionArn: string;
  shardId: string;
  streamArn: string;
  records: readonly SourceRecord[];
  invokeCount: number;
  /** The last invoke's answer, when the function ran. */
  last: LastResponse | undefined;
  /** When the batch was discarded (epoch ms). */
  at: number;
}

export function failureRecord(
  discarded: DiscardedRecords,
  format: BatchInfoFormat,
  requestId: string,
): Record<string, unknown> & { timestamp: string } {
  const first = discarded.records[0];
  const last = discarded.records[discarded.records.length - 1];
  const respond = discarded.condition !== 'RecordAgeExceeded' && discarded.last !== undefined;
  return {
    requestContext: {
      requestId: discarded.last?.requestId ?? requestId,
      functionArn: discarded.functionArn,
      condition: discarded.condition,
      approximateInvokeCount: Math.max(1, discarded.invokeCount),
    },
    ...(respond && discarded.last
      ? {
          responseContext: {
            statusCode: discarded.last.statusCode,
            executedVersion: discarded.last.executedVersion,
            functionError: discarded.last.functionError,
          },
        }
      : {}),
    version: '1.0',
    timestamp: new Date(discarded.at).toISOString(),
    [format.key]: {
      shardId: discarded.shardId,
      startSequenceNumber: first?.sequenceNumber,
      endSequenceNumber: last?.sequenceNumber,
      approximateArrivalOfFirstRecord: first && format.arrival(first.arrivalMs),
      approximateArrivalOfLastRecord: last && format.arrival(last.arrivalMs),
      batchSize: discarded.records.length,
      streamArn: discarded.streamArn,
    },
  };
}
