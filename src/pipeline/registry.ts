/** The tasks a pipeline can use: TASK_REGISTRY unless the caller (a test, an embedder) passes its own. */
import { TASK_REGISTRY } from '../tasks/index.js';
import type { ActionDefinition, TaskDefinition } from '../tasks/task.js';

export type TaskRegistry = ReadonlyMap<string, TaskDefinition>;

export function defaultRegistry(): TaskRegistry {
  return TASK_REGISTRY;
}

export function findAction(
  registry: TaskRegistry,
  task: string,
  action: string | undefined,
): { task: TaskDefinition; name: string; action: ActionDefinition } | undefined {
  const definition = registry.get(task);
  const name = action ?? definition?.defaultAction;
  if (!definition || !name) return undefined;
  const found = definition.actions[name];
  return found ? { task: definition, name, action: found } : undefined;
}
