/**
 * Shard iterators: opaque strings that carry the stream, the shard, the position (the counter
 * after which reading continues) and when they were issued, signed with an HMAC so GetRecords
 * needs no server-side iterator state and a forged or altered iterator is refused. The key is kept
 * in the data dir, so iterators handed out before a restart stay valid for their 5 minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidShardIterator } from './errors.js';

export interface IteratorPosition {
  /** The stream's row id: a stream deleted and created again under its name is another stream. */
  streamId: number;
  streamName: string;
  shardIndex: number;
  /** Records with a counter above this one come next. */
  after: number;
  issuedAt: number;
}

const VERSION = 'k1';
const MAC_BYTES = 16;

export class ShardIterators {
  constructor(private readonly key: Buffer) {}

  encode(position: IteratorPosition): string {
    const payload = Buffer.from(
      [VERSION, position.streamId, position.shardIndex, position.after, position.issuedAt, position.streamName].join(
        '|',
      ),
    );
    return Buffer.concat([payload, this.mac(payload)]).toString('base64');
  }

  decode(iterator: string): IteratorPosition {
    const raw = Buffer.from(iterator, 'base64');
    if (raw.length <= MAC_BYTES || raw.toString('base64') !== iterator) throw invalidShardIterator();
    const payload = raw.subarray(0, raw.length - MAC_BYTES);
    if (!timingSafeEqual(raw.subarray(raw.length - MAC_BYTES), this.mac(payload))) throw invalidShardIterator();
    const [version, streamId, shardIndex, after, issuedAt, ...name] = payload.toString('utf8').split('|');
    if (version !== VERSION) throw invalidShardIterator();
    return {
      streamId: Number(streamId),
      shardIndex: Number(shardIndex),
      after: Number(after),
      issuedAt: Number(issuedAt),
      streamName: name.join('|'),
    };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}
