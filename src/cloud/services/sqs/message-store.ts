/**
 * Messages in their queues: sending (with FIFO deduplication and sequence numbers), receiving
 * (visibility, FIFO message groups, dead-letter moves), deleting and changing visibility. The API
 * handlers and the in-process API (the Lambda poller) both go through here, so they behave alike.
 *
 * Each operation is one transaction; change events and visibility timers are published after the
 * commit.
 */
import { randomBytes } from 'node:crypto';
import type { ChangeEvents } from '../../change-events.js';
import { intAttribute, type QueueAttributes, readRedrivePolicy } from './attributes.js';
import { invalidParameter, receiptHandleIsInvalid } from './errors.js';
import type { PreparedMessage } from './message-input.js';
import type { MessageRow, QueueRow, SqsState } from './state.js';
import type { VisibilityTimers } from './wake-ups.js';

/** FIFO deduplication interval (AWS: 5 minutes). */
export const DEDUP_INTERVAL_MS = 5 * 60_000;
/** How long a ReceiveRequestAttemptId answers with the same messages (AWS: 5 minutes). */
const RECEIVE_ATTEMPT_MS = 5 * 60_000;
/** FIFO receives look this far into a queue for available groups. */
const FIFO_SCAN_LIMIT = 10_000;

export interface SentMessage {
  messageId: string;
  sequenceNumber: string | undefined;
}

export interface ReceiveOptions {
  maxMessages: number;
  /** Seconds; the queue's VisibilityTimeout when undefined. */
  visibilityTimeout?: number | undefined;
  /** FIFO: a retried receive with the same id gets the same messages back. */
  attemptId?: string | undefined;
}

export type VisibilityChange = 'changed' | 'not-in-flight';

/** Each queue row's parsed attributes: rows are replaced when the queue changes, so this never goes stale. */
const parsedAttributes = new WeakMap<QueueRow, Readonly<QueueAttributes>>();

/** The queue's attributes, parsed once per row version (frozen: copy them to change them). */
export function queueAttributesOf(queue: QueueRow): Readonly<QueueAttributes> {
  let attributes = parsedAttributes.get(queue);
  if (!attributes) {
    attributes = Object.freeze(JSON.parse(queue.attributes) as QueueAttributes);
    parsedAttributes.set(queue, attributes);
  }
  return attributes;
}

/** Sequence numbers as AWS shows them: 20-digit decimal strings, increasing per queue. */
function formatSequence(n: number): string {
  return (10n ** 19n + BigInt(n)).toString();
}

export class MessageStore {
  private readonly attempts = new Map<string, { rowIds: number[]; handles: string[]; expires: number }>();
  private dedupSweptAt = 0;

  constructor(
    private readonly state: SqsState,
    private readonly events: ChangeEvents,
    private readonly timers: VisibilityTimers,
    private readonly now: () => number,
  ) {}

  send(queue: QueueRow, messages: PreparedMessage[], senderId: string): SentMessage[] {
    const now = this.now();
    const fifo = queue.fifo === 1;
    const attributes = queueAttributesOf(queue);
    const byGroup = attributes['DeduplicationScope'] === 'messageGroup';
    let firstVisible = Number.POSITIVE_INFINITY;
    const sent = this.state.transaction(() => {
      if (fifo && now - this.dedupSweptAt > 60_000) {
        this.state.expireDedup(now);
        this.dedupSweptAt = now;
      }
      return messages.map((message): SentMessage => {
        let sequenceNumber: string | undefined;
        if (fifo) {
          const key = byGroup ? `${message.groupId}\n${message.dedupId}` : (message.dedupId as string);
          const duplicate = this.state.findDuplicate(queue.id, key, now);
          if (duplicate) return { messageId: duplicate.message_id, sequenceNumber: duplicate.sequence_number };
          sequenceNumber = formatSequence(this.state.nextSequence(queue.id, 1));
          this.state.recordDedup(queue.id, key, message.messageId, sequenceNumber, now + DEDUP_INTERVAL_MS);
        }
        const visibleAt = now + message.delaySeconds * 1000;
        firstVisible = Math.min(firstVisible, visibleAt);
        this.state.insertMessage(queue.id, {
          message_id: message.messageId,
          body: message.body,
          md5_body: message.md5Body,
          attributes: message.attributes,
          md5_attributes: message.md5Attributes ?? null,
          trace_header: message.traceHeader ?? null,
          md5_system: message.md5System ?? null,
          sender_id: senderId,
          sent_at: now,
          visible_at: visibleAt,
          group_id: message.groupId ?? null,
          dedup_id: fifo ? (message.dedupId ?? null) : null,
          sequence_number: sequenceNumber ?? null,
          dlq_source_arn: null,
        });
        return { messageId: message.messageId, sequenceNumber };
      });
    });
    this.announce(queue.arn, firstVisible, now);
    return sent;
  }

  /** Receives up to `maxMessages` available messages, making them invisible; [] when none. */
  receive(queue: QueueRow, options: ReceiveOptions): MessageRow[] {
    const now = this.now();
    const attributes = queueAttributesOf(queue);
    const visibilityMs = (options.visibilityTimeout ?? intAttribute(attributes, 'VisibilityTimeout')) * 1000;
    const fifo = queue.fifo === 1;
    const attemptKey = fifo && options.attemptId ? `${queue.arn}\n${options.attemptId}` : undefined;
    if (attemptKey) {
      const repeated = this.repeatAttempt(attemptKey, now);
      if (repeated) return repeated;
    }
    const redrive = readRedrivePolicy(attributes);
    const deadLetterQueue = redrive ? this.state.getQueueByArn(redrive.deadLetterTargetArn) : undefined;
    let movedToDeadLetter = false;
    const received = this.state.transaction(() => {
      this.state.expire(queue.id, now - intAttribute(attributes, 'MessageRetentionPeriod') * 1000);
      const taken: MessageRow[] = [];
      for (;;) {
        const candidates = fifo
          ? this.fifoCandidates(queue.id, now, options.maxMessages - taken.length)
          : this.state.visibleMessages(queue.id, now, options.maxMessages - taken.length);
        if (candidates.length === 0) break;
        let movedAny = false;
        for (const message of candidates) {
          if (redrive && deadLetterQueue && message.receive_count >= redrive.maxReceiveCount) {
            this.state.moveMessage(message, deadLetterQueue.id, { dlq_source_arn: queue.arn });
            movedToDeadLetter = movedAny = true;
            continue;
          }
          const handle = receiptHandle(queue.arn, message.id);
          this.state.markReceived(message.id, handle, now, now + visibilityMs);
          taken.push({
            ...message,
            receipt_handle: handle,
            receive_count: message.receive_count + 1,
            first_received_at: message.first_received_at ?? now,
            visible_at: now + visibilityMs,
          });
        }
        // Messages moved to the dead-letter queue leave room for others in this receive.
        if (!movedAny || taken.length >= options.maxMessages) break;
      }
      return taken;
    });
    if (received.length > 0) this.timers.schedule(queue.arn, now + visibilityMs);
    if (movedToDeadLetter && deadLetterQueue) this.events.emit('sqs.messages', { queueArn: deadLetterQueue.arn });
    if (attemptKey && received.length > 0) {
      this.attempts.set(attemptKey, {
        rowIds: received.map((m) => m.id),
        handles: received.map((m) => m.receipt_handle as string),
        expires: now + RECEIVE_ATTEMPT_MS,
      });
    }
    return received;
  }

  /**
   * Deletes the message a receipt handle names. A handle of an earlier receive deletes nothing
   * (standard queues, as AWS documents) or is refused as expired (FIFO queues); a handle whose
   * message is already gone succeeds.
   */
  delete(queue: QueueRow, handle: string): void {
    const rowId = parseReceiptHandle(queue.arn, handle);
    const now = this.now();
    const fifo = queue.fifo === 1;
    this.state.transaction(() => {
      const message = this.state.getMessage(rowId);
      if (!message || message.queue_id !== queue.id) return;
      if (message.receipt_handle !== handle || (fifo && message.visible_at <= now)) {
        if (fifo) throw invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');
        return;
      }
      this.state.deleteMessage(rowId);
    });
    // A FIFO group may deliver its next message now.
    if (fifo) this.events.emit('sqs.messages', { queueArn: queue.arn });
  }

  changeVisibility(queue: QueueRow, handle: string, timeoutSeconds: number): VisibilityChange {
    if (timeoutSeconds < 0 || timeoutSeconds > 43_200) {
      throw invalidParameter('VisibilityTimeout', timeoutSeconds, 'Must be between 0 and 43200, if provided.');
    }
    const rowId = parseReceiptHandle(queue.arn, handle);
    const now = this.now();
    const visibleAt = now + timeoutSeconds * 1000;
    const result = this.state.transaction((): VisibilityChange => {
      const message = this.state.getMessage(rowId);
      if (!message || message.queue_id !== queue.id || message.receipt_handle !== handle) {
        throw invalidParameter(
          'ReceiptHandle',
          handle,
          'Message does not exist or is not available for visibility timeout change.',
        );
      }
      if (message.visible_at <= now) return 'not-in-flight';
      this.state.setVisibleAt(rowId, visibleAt);
      return 'changed';
    });
    if (result === 'changed') this.announce(queue.arn, visibleAt, now);
    return result;
  }

  /** Publishes that messages are receivable now, or schedules the wake-up for when they will be. */
  announce(queueArn: string, visibleAt: number, now: number): void {
    if (visibleAt === Number.POSITIVE_INFINITY) return;
    if (visibleAt <= now) this.events.emit('sqs.messages', { queueArn });
    else this.timers.schedule(queueArn, visibleAt);
  }

  /**
   * FIFO: the available messages in order, a group at a time. A group with a message in flight
   * or still delayed delivers nothing; AWS fills a receive from one group before taking another.
   */
  private fifoCandidates(queueId: number, now: number, max: number): MessageRow[] {
    const blocked = this.state.groupsInFlight(queueId, now);
    const groups = new Map<string, MessageRow[]>();
    let scanned = 0;
    for (const message of this.state.messagesInOrder(queueId)) {
      if (++scanned > FIFO_SCAN_LIMIT) break;
      const group = message.group_id ?? '';
      if (blocked.has(group)) continue;
      if (message.visible_at > now) {
        blocked.add(group);
        continue;
      }
      const list = groups.get(group) ?? [];
      list.push(message);
      groups.set(group, list);
      if (list.length >= max) break;
    }
    return [...groups.values()].flat().slice(0, max);
  }

  private repeatAttempt(key: string, now: number): MessageRow[] | undefined {
    const attempt = this.attempts.get(key);
    if (!attempt) return undefined;
    if (attempt.expires <= now) {
      this.attempts.delete(key);
      return undefined;
    }
    const rows = attempt.rowIds.map((id) => this.state.getMessage(id));
    const unchanged = rows.every(
      (row, i) => row !== undefined && row.receipt_handle === attempt.handles[i] && row.visible_at > now,
    );
    return unchanged ? (rows as MessageRow[]) : undefined;
  }
}

/**
 * A receipt handle: names the queue and the message row, plus randomness so each receive's handle
 * differs. Opaque to clients (base64, as AWS's are).
 */
function receiptHandle(queueArn: string, rowId: number): string {
  return Buffer.from(`${queueArn} ${rowId} ${randomBytes(24).toString('base64url')}`).toString('base64');
}

/** The message row a handle of this queue names; ReceiptHandleIsInvalid for anything else. */
function parseReceiptHandle(queueArn: string, handle: string): number {
  const parts = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  const rowId = Number(parts[1]);
  if (parts.length !== 3 || parts[0] !== queueArn || !Number.isSafeInteger(rowId)) {
    throw receiptHandleIsInvalid(handle);
  }
  return rowId;
}
