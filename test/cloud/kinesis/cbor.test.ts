/**
 * CBOR (`application/x-amz-cbor-1.1`), as the AWS SDKs for Java and the KCL send it: real CBOR
 * requests signed with SigV4, Data as a byte string, timestamps as tag 1 with epoch milliseconds,
 * and errors answered in CBOR.
 */
import { Decoder, Encoder } from 'cbor-x';
import { afterAll, describe, expect, it } from 'vitest';
import { CborTimestamp } from '../../../src/cloud/protocol/cbor.js';
import { useCloud } from '../../helpers/cloud.js';
import { signedPost } from '../../helpers/signed-fetch.js';
import { activeStream, expectNoInternalErrors, FAST, kinesisClients } from './support.js';

const t = useCloud({ kinesis: FAST });
afterAll(() => expectNoInternalErrors(t));
const kinesisClient = kinesisClients(t);

const encoder = new Encoder({ mapsAsObjects: true, useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });

/** POSTs a CBOR body signed with SigV4; answers the status, content type and decoded body. */
async function cborCall(operation: string, input: Record<string, unknown>) {
  const body = encoder.encode(input);
  const response = await signedPost(
    t.url,
    'kinesis',
    { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${operation}` },
    body,
  );
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: decoder.decode(Buffer.from(await response.arrayBuffer())) as Record<string, unknown>,
  };
}

describe('CBOR', () => {
  it('puts and reads records with byte strings and tag-1 timestamps', async () => {
    const StreamName = await activeStream(kinesisClient());
    const data = Buffer.from([0, 1, 2, 255]);
    const put = await cborCall('PutRecord', { StreamName, PartitionKey: 'k', Data: data });
    expect(put).toEqual({
      status: 200,
      contentType: 'application/x-amz-cbor-1.1',
      body: {
        ShardId: 'shardId-000000000000',
        SequenceNumber: expect.stringMatching(/^49\d{54}$/),
        EncryptionType: 'NONE',
      },
    });
    const from = await cborCall('GetShardIterator', {
      StreamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new CborTimestamp(Date.now() - 60_000),
    });
    expect(from.status).toBe(200);
    const records = await cborCall('GetRecords', { ShardIterator: from.body['ShardIterator'], Limit: 10 });
    expect(records.status).toBe(200);
    const [record] = records.body['Records'] as Record<string, unknown>[];
    expect(record?.['Data']).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(record?.['Data'] as Uint8Array)).toEqual(data);
    expect(record?.['SequenceNumber']).toBe(put.body['SequenceNumber']);
    const arrival = record?.['ApproximateArrivalTimestamp'];
    expect(arrival).toBeInstanceOf(CborTimestamp);
    const millis = Number((arrival as CborTimestamp).value);
    expect(Math.abs(millis - Date.now())).toBeLessThan(60_000);
    expect(records.body['MillisBehindLatest']).toBe(0);
  });

  it('answers errors in CBOR', async () => {
    expect(await cborCall('DescribeStreamSummary', { StreamName: 'no-such-stream' })).toEqual({
      status: 400,
      contentType: 'application/x-amz-cbor-1.1',
      body: {
        __type: 'ResourceNotFoundException',
        message: 'Stream no-such-stream under account 000000000000 not found.',
      },
    });
  });
});
