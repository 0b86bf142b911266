/** Event source mappings: the API's handlers, their state, and the in-process API for the pollers. */

export { mappingHandlers, mappingTagHandlers } from './handlers.js';
export { EventSourceMappings, type MappingChange, type PollingMapping } from './mappings.js';
export { ARN_ONLY_LOOKUP, type EventSourceLookup, type SourceKind, sourceKindOf } from './sources.js';
export { type MappingSettings, MappingState, mappingMigrations, type WindowState } from './state.js';
