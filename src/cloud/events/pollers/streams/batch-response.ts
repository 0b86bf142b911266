/**
 * Reading a stream function's answer. With ReportBatchItemFailures the function names the records
 * that failed (`{ batchItemFailures: [{ itemIdentifier: <sequence number> }] }`): processing
 * resumes at the lowest one; an empty or null answer or list means every record succeeded; an
 * identifier that is missing, empty, not a string or not in the batch fails the whole batch, as AWS
 * treats it. With tumbling windows the answer must carry a `state` object, or the invoke failed.
 */
import type { SourceRecord } from './stream-source.js';

export interface AnswerRules {
  reportBatchItemFailures: boolean;
  tumblingWindow: boolean;
}

/** The answer's verdict: every record succeeded, or the index of the first record to retry. */
export type Verdict = { type: 'success'; state?: Record<string, unknown> } | { type: 'failed'; from: number };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function failedFrom(answer: unknown, batch: readonly SourceRecord[]): number | undefined {
  if (!isObject(answer)) return undefined;
  const failures = answer['batchItemFailures'];
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 0;
  let lowest: number | undefined;
  for (const failure of failures) {
    const id = isObject(failure) ? failure['itemIdentifier'] : undefined;
    const index = typeof id === 'string' && id !== '' ? batch.findIndex((r) => r.sequenceNumber === id) : -1;
    if (index < 0) return 0;
    lowest = lowest === undefined ? index : Math.min(lowest, index);
  }
  return lowest;
}

export function judgeAnswer(answer: unknown, batch: readonly SourceRecord[], rules: AnswerRules): Verdict {
  let state: Record<string, unknown> | undefined;
  if (rules.tumblingWindow) {
    const value = isObject(answer) ? answer['state'] : undefined;
    if (!isObject(value)) return { type: 'failed', from: 0 };
    state = value;
  }
  if (rules.reportBatchItemFailures) {
    const from = failedFrom(answer, batch);
    if (from !== undefined) return { type: 'failed', from };
  }
  return state === undefined ? { type: 'success' } : { type: 'success', state };
}
