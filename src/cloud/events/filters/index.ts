/**
 * Event filtering for event source mappings (FilterCriteria), a pure library: EventBridge-style
 * patterns matched against each record as the function would see it, with Kinesis `data` and SQS
 * `body` parsed as JSON when they are JSON. The filters are OR-ed: a record no filter matches is
 * dropped (and counted as processed). The Lambda API validates patterns with the same compiler.
 */
import { type CompiledPattern, compilePattern, flattenRecord, patternMatches } from './pattern.js';
import { filterView } from './record-view.js';

export { FilterPatternError } from './errors.js';
export { compilePattern } from './pattern.js';

/** Filters compiled once per mapping configuration. */
export interface CompiledFilters {
  /** Whether any of the mapping's patterns matches the record (an OR over the filters). */
  matches(record: Record<string, unknown>): boolean;
}

/** The data members the guide names per source: their patterns need the decoded view. */
const DATA_KEYS = ['body', 'data'];

/**
 * undefined when the mapping has no filters (every record passes). Throws FilterPatternError for
 * a pattern that is not one (the API refuses those before they are stored).
 */
export function compileFilterCriteria(
  filters: readonly { Pattern?: string | undefined }[] | undefined,
): CompiledFilters | undefined {
  if (!filters?.length) return undefined;
  const patterns: CompiledPattern[] = filters.map((filter) => compilePattern(filter.Pattern ?? ''));
  const paths = new Set(patterns.flatMap((p) => [...p.paths]));
  const parseData = DATA_KEYS.some((key) => paths.has(key));
  return {
    matches(record) {
      const values = flattenRecord(filterView(record, parseData), paths);
      return patterns.some((pattern) => patternMatches(pattern, values));
    },
  };
}
