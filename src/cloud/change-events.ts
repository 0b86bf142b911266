/**
 * In-process change events: a service publishes what it committed (a record appended to a shard,
 * a message made visible), and whoever waits on it (event source pollers, SQS long polls, the
 * console) wakes at once instead of polling on a timer. It lives in the shared context, below the
 * services and the pollers, so neither imports the other. Events are published after the commit
 * and carry identifiers only: a subscriber reads the state it needs through the service.
 */
import { EventEmitter } from 'node:events';
import type { ActivityEventMap } from './activity.js';

export interface ChangeEventMap extends ActivityEventMap {
  /** Records were appended to a Kinesis shard. */
  'kinesis.records': { streamArn: string; shardId: string };
  /** A DynamoDB table's stream received records. */
  'dynamodb.stream-records': { tableArn: string; streamArn: string; shardId: string };
  /** A queue has messages that may be receivable now (sent, or returned to visibility). */
  'sqs.messages': { queueArn: string };
  /** A bucket's notification outbox received messages to deliver. */
  's3.notifications': { bucket: string };
  /** SNS stored deliveries that are due now (a publish, a subscription to confirm). */
  'sns.deliveries': Record<string, never>;
}

export type ChangeEventName = keyof ChangeEventMap;

export class ChangeEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each long poll and each poller subscribes; hundreds at once are normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends ChangeEventName>(name: K, event: ChangeEventMap[K]): void {
    this.emitter.emit(name, event);
  }

  /** Subscribes; the returned function unsubscribes. */
  on<K extends ChangeEventName>(name: K, listener: (event: ChangeEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
