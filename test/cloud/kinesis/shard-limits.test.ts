/**
 * Per-shard write limits, when enforced (kinesis.enforceShardWriteLimits): a shard takes 1,000
 * records and 1 MiB per second; PutRecords reports the records it could not take with AWS's
 * ProvisionedThroughputExceededException entries (FailedRecordCount), PutRecord fails with it, and
 * the next second the shard takes writes again. The clock is held so the second is deterministic.
 */
import { PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { failure, useCloud } from '../../helpers/cloud.js';
import { ACCOUNT, activeStream, kinesisClients } from './support.js';

/** The server's clock, held still while a test writes (SigV4 still sees the real time). */
let held: number | undefined;
const t = useCloud({ clock: () => held ?? Date.now(), kinesis: { transitionMs: 0, enforceShardWriteLimits: true } });
const kinesis = kinesisClients(t);

const records = (count: number, bytes = 10) =>
  Array.from({ length: count }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(bytes, 1) }));

describe('shard write limits', () => {
  it('refuses records past 1,000 per second per shard, in PutRecords entries and PutRecord errors', async () => {
    const StreamName = await activeStream(kinesis(), 1);
    held = Date.now();
    const first = await kinesis().send(new PutRecordsCommand({ StreamName, Records: records(500) }));
    const second = await kinesis().send(new PutRecordsCommand({ StreamName, Records: records(500) }));
    expect([first.FailedRecordCount, second.FailedRecordCount]).toEqual([0, 0]);

    const over = await kinesis().send(new PutRecordsCommand({ StreamName, Records: records(3) }));
    const message = `Rate exceeded for shard shardId-000000000000 in stream ${StreamName} under account ${ACCOUNT}.`;
    expect(over.FailedRecordCount).toBe(3);
    expect(over.Records).toEqual(
      Array.from({ length: 3 }, () => ({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: message })),
    );
    expect(
      await failure(kinesis().send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('x') }))),
    ).toEqual({ name: 'ProvisionedThroughputExceededException', message, status: 400 });

    // The next second, the shard takes writes again.
    held += 1000;
    const later = await kinesis().send(new PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('x') }));
    expect(later.SequenceNumber).toMatch(/^\d{56}$/);
  });

  it('refuses data past 1 MiB per second per shard, and takes the records that fit', async () => {
    held = undefined;
    const StreamName = await activeStream(kinesis(), 1);
    held = Date.now();
    const big = { PartitionKey: 'a', Data: Buffer.alloc(1_000_000, 2) };
    const small = { PartitionKey: 'b', Data: Buffer.alloc(40_000, 3) };
    const out = await kinesis().send(new PutRecordsCommand({ StreamName, Records: [big, small, small] }));
    expect(out.FailedRecordCount).toBe(1);
    expect(out.Records?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ProvisionedThroughputExceededException',
    ]);
  });
});
