/**
 * Checking a mapping's filter patterns when it is created or updated. The pattern language is
 * compiled by the pollers' filter library (src/cloud/events/filters, pure: no service imports), so
 * the API refuses exactly what the pollers could not match. Lambda words every refusal alike:
 * "Invalid filter pattern definition."
 */
import type { Filter } from '@aws-sdk/client-lambda';
import { compilePattern, FilterPatternError } from '../../../events/filters/index.js';
import { MappingErrors } from './errors.js';
import { MAPPING_LIMITS } from './limits.js';

/** Throws AWS's InvalidParameterValueException for more filters than the quota or a pattern that is not one. */
export function checkFilters(filters: Filter[]): void {
  if (filters.length > MAPPING_LIMITS.filtersPerMapping) {
    throw MappingErrors.tooManyFilters(filters.length, MAPPING_LIMITS.filtersPerMapping);
  }
  for (const filter of filters) {
    try {
      compilePattern(filter.Pattern ?? '');
    } catch (error) {
      if (error instanceof FilterPatternError) throw MappingErrors.invalidFilterPattern();
      throw error;
    }
  }
}
