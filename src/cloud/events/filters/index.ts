/**
 * Event filtering for event source mappings (FilterCriteria): EventBridge-style patterns matched
 * against each record as the function would see it, with Kinesis `data` and SQS `body` parsed as
 * JSON when they are JSON. A record no filter matches is dropped (and counted as processed).
 */

/** Filters compiled once per mapping configuration. */
export interface CompiledFilters {
  /** Whether any of the mapping's patterns matches the record (an OR over the filters). */
  matches(record: Record<string, unknown>): boolean;
}

/** undefined when the mapping has no filters (every record passes). */
export function compileFilterCriteria(
  filters: readonly { Pattern?: string | undefined }[] | undefined,
): CompiledFilters | undefined {
  if (!filters?.length) return undefined;
  throw new Error('FilterCriteria matching is not written yet');
}
