/**
 * The durable queue of asynchronous invokes (the lambda_async_invokes table of state.ts). A state
 * of its own: its writes come with every Event invoke and must not drop LambdaState's read cache,
 * which the synchronous invoke path relies on.
 */
import { SqlState } from '../../store/database.js';
import { type FunctionKey, keyOf } from './state.js';

export interface AsyncInvokeRecord extends FunctionKey {
  id: number;
  qualifier: string;
  requestId: string;
  payload: Buffer;
  enqueuedAt: number;
  attempts: number;
  nextAttemptAt: number;
}

export class AsyncQueueState extends SqlState {
  enqueueAsync(item: Omit<AsyncInvokeRecord, 'id'>): void {
    this.sql(
      `INSERT INTO lambda_async_invokes (account_id, region, name, qualifier, request_id, payload, enqueued_at, attempts, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      ...keyOf(item),
      item.qualifier,
      item.requestId,
      item.payload,
      item.enqueuedAt,
      item.attempts,
      item.nextAttemptAt,
    );
  }

  /** Queued invokes due by `now`, oldest first. */
  dueAsync(now: number, limit: number): AsyncInvokeRecord[] {
    const rows = this.sql(
      'SELECT * FROM lambda_async_invokes WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?',
    ).all(now, limit) as {
      id: number;
      account_id: string;
      region: string;
      name: string;
      qualifier: string;
      request_id: string;
      payload: Buffer;
      enqueued_at: number;
      attempts: number;
      next_attempt_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      region: r.region,
      name: r.name,
      qualifier: r.qualifier,
      requestId: r.request_id,
      payload: r.payload,
      enqueuedAt: r.enqueued_at,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
    }));
  }

  nextAsyncDue(): number | undefined {
    const row = this.sql('SELECT MIN(next_attempt_at) AS t FROM lambda_async_invokes').get() as { t: number | null };
    return row.t ?? undefined;
  }

  rescheduleAsync(id: number, attempts: number, nextAttemptAt: number): void {
    this.sql('UPDATE lambda_async_invokes SET attempts = ?, next_attempt_at = ? WHERE id = ?').run(
      attempts,
      nextAttemptAt,
      id,
    );
  }

  removeAsync(id: number): void {
    this.sql('DELETE FROM lambda_async_invokes WHERE id = ?').run(id);
  }
}
