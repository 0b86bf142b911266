/** lambda-tasks: the library behind the CLI (the deploy tool's pipelines, and the local cloud). */
export { type CloudOptions, type RunningCloud, startCloud } from './cloud/cloud.js';
export { AwsError } from './cloud/errors.js';
export * from './pipeline/index.js';
export { TASK_REGISTRY } from './tasks/index.js';
export type { ActionContext, ActionDefinition, ActionResult, TaskDefinition } from './tasks/task.js';
