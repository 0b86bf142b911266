/** Kinesis Data Streams' limits and defaults, as AWS documents them (quotas live in KinesisSettings). */
export const KINESIS_LIMITS = {
  /** Retention: 24 hours (the default) up to 365 days. */
  minRetentionHours: 24,
  maxRetentionHours: 8760,
  /** A record's data, unless the stream's MaxRecordSizeInKiB says otherwise (1 MiB). */
  defaultMaxRecordKiB: 1024,
  /** PutRecords: at most 500 records and 5 MiB of data and partition keys in one request. */
  putRecordsMaxRecords: 500,
  putRecordsMaxBytes: 5 * 1024 * 1024,
  /** GetRecords: at most 10,000 records or 10 MiB in one response. */
  getRecordsMaxRecords: 10_000,
  getRecordsMaxBytes: 10 * 1024 * 1024,
  /** A shard iterator is valid for 5 minutes after it was issued. */
  iteratorTtlMs: 300_000,
  /** ListShards' NextToken is valid for 300 seconds. */
  listShardsTokenTtlMs: 300_000,
  /** An on-demand stream starts with 4 shards. */
  onDemandShardCount: 4,
  /** Page sizes: DescribeStream 100 shards, ListShards 1000, ListStreams 100, ListTagsForStream 50. */
  describeStreamShards: 100,
  listShardsPage: 1000,
  listStreamsPage: 100,
  listTagsPage: 50,
  /** Tags per stream. */
  maxTags: 50,
  /** A shard takes up to 1,000 records and 1 MiB of data and partition keys per second. */
  shardWriteRecordsPerSecond: 1000,
  shardWriteBytesPerSecond: 1024 * 1024,
  /** Open shards per stream that UpdateShardCount can reach. */
  maxShardsPerStream: 10_000,
} as const;
