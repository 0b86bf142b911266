/** Every task the pipeline can use, by name. Each task module adds itself to this list. */
import { cloudFormationStackTask } from './cloudformation-stack/index.js';
import { eventSourceMappingTask } from './event-source-mapping/index.js';
import { lambdaFunctionTask } from './lambda-function/index.js';
import { packageTask } from './package/index.js';
import { s3ObjectTask } from './s3-object/index.js';
import type { TaskDefinition } from './task.js';

const TASKS: TaskDefinition[] = [
  packageTask,
  s3ObjectTask,
  lambdaFunctionTask,
  eventSourceMappingTask,
  cloudFormationStackTask,
];

export const TASK_REGISTRY: ReadonlyMap<string, TaskDefinition> = new Map(TASKS.map((t) => [t.name, t]));

export type {
  ActionContext,
  ActionDefinition,
  ActionEvent,
  ActionResult,
  OutputValue,
  PlannedChange,
  TaskDefinition,
} from './task.js';
