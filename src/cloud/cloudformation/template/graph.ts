/**
 * Which resources a stack has, what each waits for, and in which order they can be created and
 * deleted. Edges come from `Ref`, `Fn::GetAtt`, `Fn::Sub` variables and `DependsOn`.
 *
 * With evaluated conditions, a resource whose Condition is false does not exist, and a reference
 * inside the branch of `Fn::If` not taken does not count (AWS creates
 * `Value: !If [UseA, !GetAtt A.Value, !GetAtt B.Value]` with only one of A and B present). A
 * reference that does reach a resource that is not created is AWS's "Unresolved resource
 * dependencies" error, for Resources and Outputs alike.
 */
import { messages, TemplateError } from './errors.js';
import { collectReferences, type ReferenceOptions } from './references.js';
import type { Template } from './types.js';

/** Logical id -> the logical ids it depends on (created before it, deleted after it). */
export type DependencyGraph = Map<string, Set<string>>;

/** The resources a stack has: every resource without a Condition or whose Condition is true. */
export function activeResources(template: Template, conditions?: Readonly<Record<string, boolean>>): string[] {
  return Object.entries(template.Resources).flatMap(([id, resource]) =>
    conditions === undefined || resource.Condition === undefined || conditions[resource.Condition] ? [id] : [],
  );
}

/**
 * The dependency graph of the active resources. Without `conditions`, every resource and both
 * branches of every `Fn::If` count: the static graph, as template validation sees it. Throws
 * `TemplateError` for a reference to an inactive resource or a cycle.
 */
export function dependencyGraph(template: Template, conditions?: Readonly<Record<string, boolean>>): DependencyGraph {
  const active = new Set(activeResources(template, conditions));
  const options: ReferenceOptions = conditions === undefined ? {} : { conditions };
  const unresolved: string[] = [];
  const graph: DependencyGraph = new Map();
  for (const id of active) {
    const resource = template.Resources[id];
    if (resource === undefined) continue;
    const dependencies = new Set<string>();
    const depend = (target: string) => {
      if (active.has(target)) dependencies.add(target);
      else if (Object.hasOwn(template.Resources, target) && !unresolved.includes(target)) unresolved.push(target);
    };
    const dependsOn = resource.DependsOn;
    for (const target of typeof dependsOn === 'string' ? [dependsOn] : (dependsOn ?? [])) depend(target);
    const sections = [
      resource.Properties,
      resource.Metadata,
      resource.CreationPolicy,
      resource.UpdatePolicy,
      resource.DeletionPolicy,
      resource.UpdateReplacePolicy,
    ];
    for (const reference of collectReferences(sections, options)) depend(reference.target);
    graph.set(id, dependencies);
  }
  if (unresolved.length > 0) throw new TemplateError(messages.unresolvedResources(unresolved));
  creationOrder(graph); // reports a cycle now rather than halfway through a deployment
  return graph;
}

/**
 * The outputs a stack has (Condition absent or true), checking that each reaches only resources
 * the stack has.
 */
export function activeOutputs(template: Template, conditions: Readonly<Record<string, boolean>>): string[] {
  const active = new Set(activeResources(template, conditions));
  const unresolved: string[] = [];
  const names: string[] = [];
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !conditions[output.Condition]) continue;
    names.push(name);
    for (const { target } of collectReferences([output.Value, output.Export], { conditions })) {
      if (Object.hasOwn(template.Resources, target) && !active.has(target) && !unresolved.includes(target)) {
        unresolved.push(target);
      }
    }
  }
  if (unresolved.length > 0) throw new TemplateError(messages.unresolvedOutputs(unresolved));
  return names;
}

/**
 * Waves of resources that can be created in parallel: every resource comes after all it depends
 * on. Within a wave, template order. Throws AWS's "Circular dependency between resources" with
 * the resources that can never start (those on a cycle and those waiting for one), as AWS lists.
 */
export function creationOrder(graph: DependencyGraph): string[][] {
  return waves(graph);
}

/** Waves for deleting: every resource goes only after everything that depends on it. */
export function deletionOrder(graph: DependencyGraph): string[][] {
  const dependents: DependencyGraph = new Map([...graph.keys()].map((id) => [id, new Set<string>()]));
  for (const [id, dependencies] of graph) {
    for (const dependency of dependencies) dependents.get(dependency)?.add(id);
  }
  return waves(dependents);
}

function waves(blockedBy: DependencyGraph): string[][] {
  const remaining = new Set(blockedBy.keys());
  const result: string[][] = [];
  while (remaining.size > 0) {
    const wave = [...remaining].filter((id) => [...(blockedBy.get(id) ?? [])].every((b) => !remaining.has(b)));
    if (wave.length === 0) throw new TemplateError(messages.circular([...remaining]));
    for (const id of wave) remaining.delete(id);
    result.push(wave);
  }
  return result;
}
