/**
 * What the three batch operations share: the entry list checks (AWS checks the whole request
 * before any entry) and turning each entry's outcome into a Successful or Failed entry.
 */
import type { BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import { AwsError } from '../../errors.js';
import {
  batchIdsNotDistinct,
  emptyBatch,
  invalidBatchEntryId,
  missingParameter,
  SQS_QUERY_ERROR_CODES,
  tooManyEntries,
} from './errors.js';

const MAX_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a batch's entries; `entryShape` names them in the empty-batch message. */
export function checkEntries<E extends { Id?: string | undefined }>(
  entries: E[] | undefined,
  entryShape: string,
): (E & { Id: string })[] {
  if (entries === undefined) throw missingParameter('Entries');
  if (entries.length === 0) throw emptyBatch(entryShape);
  if (entries.length > MAX_ENTRIES) throw tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.Id === undefined || !ENTRY_ID.test(entry.Id)) throw invalidBatchEntryId();
    if (seen.has(entry.Id)) throw batchIdsNotDistinct(entry.Id);
    seen.add(entry.Id);
  }
  return entries as (E & { Id: string })[];
}

/** A failed entry as AWS reports it (the awsQuery code, as in a query response). */
export function failedEntry(id: string, error: unknown): BatchResultErrorEntry {
  if (!(error instanceof AwsError)) throw error;
  return {
    Id: id,
    SenderFault: error.senderFault,
    Code: SQS_QUERY_ERROR_CODES[error.code]?.code ?? error.code,
    Message: error.message,
  };
}

/** Runs `each` per entry, sorting outcomes into AWS's Successful and Failed lists. */
export function perEntry<E extends { Id: string }, S>(
  entries: E[],
  each: (entry: E) => S,
): { Successful: S[]; Failed: BatchResultErrorEntry[] } {
  const Successful: S[] = [];
  const Failed: BatchResultErrorEntry[] = [];
  for (const entry of entries) {
    try {
      Successful.push(each(entry));
    } catch (error) {
      Failed.push(failedEntry(entry.Id, error));
    }
  }
  return { Successful, Failed };
}
