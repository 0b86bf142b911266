/**
 * SNS's persistent state: topics, subscriptions, published messages and the deliveries still to
 * make. Publish writes the message and one delivery per matching subscription in one transaction,
 * so a delivery the API acknowledged survives a restart; a delivery row is deleted once it is made
 * or finally given up. An unsubscribed HTTP/S subscription is kept by the token of its
 * UnsubscribeConfirmation, so that the SubscribeURL can restore it.
 */
import { type Migration, SqlState } from '../../store/database.js';

export const snsMigrations: Migration[] = [
  {
    id: 'sns-001-schema',
    sql: `
      CREATE TABLE sns_topics (
        arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        attributes TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        sequence INTEGER NOT NULL DEFAULT 0,
        subscriptions_deleted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sns_topics_scope ON sns_topics (account_id, region, arn);
      CREATE TABLE sns_subscriptions (
        arn TEXT PRIMARY KEY,
        topic_arn TEXT NOT NULL,
        owner TEXT NOT NULL,
        protocol TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        attributes TEXT NOT NULL,
        pending INTEGER NOT NULL,
        token TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn, arn);
      CREATE TABLE sns_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message TEXT NOT NULL
      );
      CREATE TABLE sns_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id INTEGER NOT NULL REFERENCES sns_messages (id),
        subscription_arn TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL
      );
      CREATE INDEX sns_deliveries_due ON sns_deliveries (due_at, id);
      CREATE TABLE sns_deduplication (
        topic_arn TEXT NOT NULL,
        deduplication_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        sequence_number TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (topic_arn, deduplication_id)
      );
    `,
  },
  {
    id: 'sns-002-unsubscribed',
    sql: `
      CREATE TABLE sns_unsubscribed (
        topic_arn TEXT NOT NULL,
        token TEXT NOT NULL,
        subscription TEXT NOT NULL,
        PRIMARY KEY (topic_arn, token)
      );
    `,
  },
];

export interface TopicRow {
  arn: string;
  account_id: string;
  region: string;
  name: string;
  /** JSON: the attributes as set (Policy, DisplayName, DeliveryPolicy, FifoTopic ...). */
  attributes: string;
  /** JSON: tag key -> value, in insertion order. */
  tags: string;
  created_at: number;
  sequence: number;
  subscriptions_deleted: number;
}

export interface SubscriptionRow {
  arn: string;
  topic_arn: string;
  owner: string;
  protocol: string;
  endpoint: string;
  /** JSON: RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy, DeliveryPolicy ... */
  attributes: string;
  pending: number;
  token: string | null;
  created_at: number;
}

export interface DeliveryRow {
  id: number;
  message_id: number;
  subscription_arn: string;
  attempts: number;
  due_at: number;
  message: string;
}

export class SnsState extends SqlState {
  // Topics

  getTopic(arn: string): TopicRow | undefined {
    return this.sql('SELECT * FROM sns_topics WHERE arn = ?').get(arn) as TopicRow | undefined;
  }

  insertTopic(row: Omit<TopicRow, 'sequence' | 'subscriptions_deleted'>): void {
    this.sql(
      'INSERT INTO sns_topics (arn, account_id, region, name, attributes, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(row.arn, row.account_id, row.region, row.name, row.attributes, row.tags, row.created_at);
  }

  setTopicAttributes(arn: string, attributes: string): void {
    this.sql('UPDATE sns_topics SET attributes = ? WHERE arn = ?').run(attributes, arn);
  }

  setTopicTags(arn: string, tags: string): void {
    this.sql('UPDATE sns_topics SET tags = ? WHERE arn = ?').run(tags, arn);
  }

  /** The next sequence number of a FIFO topic's message. */
  nextSequence(arn: string): number {
    this.sql('UPDATE sns_topics SET sequence = sequence + 1 WHERE arn = ?').run(arn);
    return (this.sql('SELECT sequence FROM sns_topics WHERE arn = ?').get(arn) as { sequence: number }).sequence;
  }

  deleteTopic(arn: string): void {
    this.sql('DELETE FROM sns_subscriptions WHERE topic_arn = ?').run(arn);
    this.sql('DELETE FROM sns_deduplication WHERE topic_arn = ?').run(arn);
    this.sql('DELETE FROM sns_unsubscribed WHERE topic_arn = ?').run(arn);
    this.sql('DELETE FROM sns_topics WHERE arn = ?').run(arn);
  }

  /** Topics of a scope after `afterArn`, in ARN order. */
  listTopics(accountId: string, region: string, afterArn: string, limit: number): TopicRow[] {
    return this.sql(
      'SELECT * FROM sns_topics WHERE account_id = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?',
    ).all(accountId, region, afterArn, limit) as TopicRow[];
  }

  // Subscriptions

  getSubscription(arn: string): SubscriptionRow | undefined {
    return this.sql('SELECT * FROM sns_subscriptions WHERE arn = ?').get(arn) as SubscriptionRow | undefined;
  }

  findSubscription(topicArn: string, protocol: string, endpoint: string): SubscriptionRow | undefined {
    return this.sql('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?').get(
      topicArn,
      protocol,
      endpoint,
    ) as SubscriptionRow | undefined;
  }

  insertSubscription(row: SubscriptionRow): void {
    this.sql(
      'INSERT INTO sns_subscriptions (arn, topic_arn, owner, protocol, endpoint, attributes, pending, token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      row.arn,
      row.topic_arn,
      row.owner,
      row.protocol,
      row.endpoint,
      row.attributes,
      row.pending,
      row.token,
      row.created_at,
    );
  }

  setSubscriptionAttributes(arn: string, attributes: string): void {
    this.sql('UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?').run(attributes, arn);
  }

  confirmSubscription(arn: string): void {
    this.sql('UPDATE sns_subscriptions SET pending = 0 WHERE arn = ?').run(arn);
  }

  deleteSubscription(row: SubscriptionRow): void {
    this.sql('DELETE FROM sns_subscriptions WHERE arn = ?').run(row.arn);
    this.sql('UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE arn = ?').run(
      row.topic_arn,
    );
  }

  /** Keeps an unsubscribed subscription under the token its UnsubscribeConfirmation carries. */
  rememberUnsubscribed(row: SubscriptionRow, token: string): void {
    this.sql('INSERT INTO sns_unsubscribed (topic_arn, token, subscription) VALUES (?, ?, ?)').run(
      row.topic_arn,
      token,
      JSON.stringify(row),
    );
  }

  /** The unsubscribed subscription a token restores, removed from the kept ones. */
  takeUnsubscribed(topicArn: string, token: string): SubscriptionRow | undefined {
    const found = this.sql('SELECT subscription FROM sns_unsubscribed WHERE topic_arn = ? AND token = ?').get(
      topicArn,
      token,
    ) as { subscription: string } | undefined;
    if (!found) return undefined;
    this.sql('DELETE FROM sns_unsubscribed WHERE topic_arn = ? AND token = ?').run(topicArn, token);
    return JSON.parse(found.subscription) as SubscriptionRow;
  }

  subscriptionsOfTopic(topicArn: string): SubscriptionRow[] {
    return this.sql('SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY arn').all(
      topicArn,
    ) as SubscriptionRow[];
  }

  /** Subscriptions owned by `owner` in `region` (or of one topic), after `afterArn`, in ARN order. */
  listSubscriptions(
    filter: { owner: string; region: string } | { topicArn: string },
    afterArn: string,
    limit: number,
  ): SubscriptionRow[] {
    if ('topicArn' in filter) {
      return this.sql('SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND arn > ? ORDER BY arn LIMIT ?').all(
        filter.topicArn,
        afterArn,
        limit,
      ) as SubscriptionRow[];
    }
    return this.sql(
      `SELECT s.* FROM sns_subscriptions s JOIN sns_topics t ON t.arn = s.topic_arn
       WHERE s.owner = ? AND t.region = ? AND s.arn > ? ORDER BY s.arn LIMIT ?`,
    ).all(filter.owner, filter.region, afterArn, limit) as SubscriptionRow[];
  }

  // Messages and deliveries

  insertMessage(message: string): number {
    return Number(this.sql('INSERT INTO sns_messages (message) VALUES (?)').run(message).lastInsertRowid);
  }

  insertDelivery(messageId: number, subscriptionArn: string, dueAt: number): void {
    this.sql('INSERT INTO sns_deliveries (message_id, subscription_arn, due_at) VALUES (?, ?, ?)').run(
      messageId,
      subscriptionArn,
      dueAt,
    );
  }

  /** Deliveries due at `now`, oldest first, with their message. */
  dueDeliveries(now: number, limit: number): DeliveryRow[] {
    return this.sql(
      `SELECT d.*, m.message FROM sns_deliveries d JOIN sns_messages m ON m.id = d.message_id
       WHERE d.due_at <= ? ORDER BY d.due_at, d.id LIMIT ?`,
    ).all(now, limit) as DeliveryRow[];
  }

  /** When the next delivery falls due, if any is left. */
  nextDueAt(): number | undefined {
    const row = this.sql('SELECT MIN(due_at) AS at FROM sns_deliveries').get() as { at: number | null };
    return row.at ?? undefined;
  }

  /** Moves a delivery to its next attempt. */
  rescheduleDelivery(id: number, attempts: number, dueAt: number): void {
    this.sql('UPDATE sns_deliveries SET attempts = ?, due_at = ? WHERE id = ?').run(attempts, dueAt, id);
  }

  /** Removes a delivery that was made or given up, and its message once no delivery needs it. */
  finishDelivery(id: number): void {
    this.transaction(() => {
      const row = this.sql('SELECT message_id FROM sns_deliveries WHERE id = ?').get(id) as
        | { message_id: number }
        | undefined;
      if (!row) return;
      this.sql('DELETE FROM sns_deliveries WHERE id = ?').run(id);
      this.sql(
        'DELETE FROM sns_messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM sns_deliveries WHERE message_id = ?)',
      ).run(row.message_id, row.message_id);
    });
  }

  // FIFO deduplication

  findDuplicate(
    topicArn: string,
    deduplicationId: string,
    now: number,
  ): { message_id: string; sequence_number: string } | undefined {
    return this.sql(
      'SELECT message_id, sequence_number FROM sns_deduplication WHERE topic_arn = ? AND deduplication_id = ? AND expires_at > ?',
    ).get(topicArn, deduplicationId, now) as { message_id: string; sequence_number: string } | undefined;
  }

  rememberDeduplication(
    topicArn: string,
    deduplicationId: string,
    messageId: string,
    sequenceNumber: string,
    expiresAt: number,
  ): void {
    this.sql(
      'INSERT OR REPLACE INTO sns_deduplication (topic_arn, deduplication_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(topicArn, deduplicationId, messageId, sequenceNumber, expiresAt);
  }
}
