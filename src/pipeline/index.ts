/** The deploy tool's library: load and check pipelines, run and plan them, write outputs for CI. */
export { Connections, DEFAULT_LOCAL_ENDPOINT, defaultRegion } from '../aws/connections.js';
export { type Expression, evaluateCondition, parseCondition } from './condition.js';
export {
  formatProblem,
  PipelineError,
  type PipelineErrorCode,
  PipelineValidationError,
  type Problem,
  type ProblemCode,
} from './errors.js';
export type {
  Mode,
  PipelineEvent,
  PipelineEventType,
  ShownOutputs,
  StepFailure,
  StepReport,
  StepResult,
} from './events.js';
export { interpolate, isKnownAfterRun, parseTemplate, type Reference, UNKNOWN_TEXT } from './interpolation.js';
export { pipelineJsonSchema } from './json-schema.js';
export {
  formatOutputs,
  githubMaskCommands,
  OUTPUTS_FORMATS,
  type OutputsFormat,
  type OutputsOptions,
  revealedSecrets,
} from './outputs.js';
export { defaultRegistry, type TaskRegistry } from './registry.js';
export {
  type PipelineOptions,
  type PipelineResult,
  planPipeline,
  runPipeline,
  type StepOutputs,
} from './runner.js';
export { MASK, Secrets } from './secrets.js';
export {
  DEFAULT_PIPELINE_FILE,
  type LoadPipelineOptions,
  loadPipeline,
  type Pipeline,
  type PipelineStep,
  type ValidationResult,
  validatePipeline,
} from './validate.js';
