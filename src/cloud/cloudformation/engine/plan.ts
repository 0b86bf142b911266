/**
 * What an update would change, as data (plan, then apply): the resource changes a change set
 * lists, and what UpdateStack uses to answer "No updates are to be performed." Properties that
 * cannot be resolved before the update runs (they read a resource being replaced or added) are
 * reported as Dynamic changes, as CloudFormation does.
 */
import type { ResourceChange } from '@aws-sdk/client-cloudformation';
import type { ResourceRecord, StackRecord } from '../../services/cloudformation/state.js';
import { NESTED_STACK_TYPE } from '../providers/cloudformation.js';
import { changedProperties, needsReplacement } from '../providers/provider.js';
import { PROVIDERS } from '../providers/registry.js';
import { evalContext, type PreparedDeployment, resolveValue } from './deployment.js';

/** A value that cannot be known before the update runs. */
class Unknown extends Error {}

export function planChanges(
  stack: StackRecord,
  resources: ResourceRecord[],
  prepared: PreparedDeployment,
  exportValue: (name: string) => string | undefined,
): ResourceChange[] {
  const existing = new Map(resources.map((r) => [r.logicalId, r]));
  const replaced = new Set<string>();
  const changes: ResourceChange[] = [];
  const context = evalContext(
    { accountId: stack.accountId, region: stack.region, stackName: stack.name, stackId: stack.stackId },
    prepared.parameters,
    prepared.conditions,
    prepared.template,
    {
      ref(logicalId) {
        const resource = existing.get(logicalId);
        if (!resource?.physicalId || replaced.has(logicalId)) throw new Unknown();
        return String(resource.attributes['::Ref'] ?? resource.physicalId);
      },
      getAtt(logicalId, attribute) {
        const resource = existing.get(logicalId);
        if (!resource?.physicalId || replaced.has(logicalId)) throw new Unknown();
        return resource.attributes[attribute];
      },
      importValue(name) {
        const value = exportValue(name);
        if (value === undefined) throw new Unknown();
        return value;
      },
    },
  );

  // Dependencies first, so a replacement makes its dependents' references Dynamic.
  for (const logicalId of topological(prepared.graph)) {
    const declaration = prepared.template.Resources[logicalId];
    if (!declaration) continue;
    const old = existing.get(logicalId);
    if (!old?.physicalId) {
      changes.push({
        Action: 'Add',
        LogicalResourceId: logicalId,
        ResourceType: declaration.Type,
        Details: [],
        Scope: [],
      });
      replaced.add(logicalId);
      continue;
    }
    const provider = PROVIDERS.get(declaration.Type);
    let properties: Record<string, unknown> | undefined;
    try {
      properties = JSON.parse(JSON.stringify(resolveValue(declaration.Properties ?? {}, context))) as Record<
        string,
        unknown
      >;
    } catch (error) {
      if (!(error instanceof Unknown)) throw error;
    }
    const typeChanged = old.type !== declaration.Type;
    const changed = properties
      ? changedProperties(old.properties, properties)
      : dynamicProperties(declaration.Properties);
    if (!typeChanged && !changed.length) {
      if (declaration.Type === NESTED_STACK_TYPE) changes.push(automaticChange(logicalId, old.physicalId));
      continue;
    }
    const replacement = typeChanged || !provider || needsReplacement(provider, changed) || !provider.update;
    if (replacement) replaced.add(logicalId);
    changes.push({
      Action: 'Modify',
      LogicalResourceId: logicalId,
      PhysicalResourceId: old.physicalId,
      ResourceType: declaration.Type,
      Replacement: replacement ? 'True' : properties ? 'False' : 'Conditional',
      Scope: ['Properties'],
      Details: changed.map((name) => ({
        Target: {
          Attribute: 'Properties',
          Name: name,
          RequiresRecreation: provider && needsReplacement(provider, [name]) ? 'Always' : 'Never',
        },
        Evaluation: properties ? 'Static' : 'Dynamic',
        ChangeSource: properties ? 'DirectModification' : 'ResourceReference',
      })),
    });
  }
  for (const old of resources) {
    if (prepared.graph.has(old.logicalId)) continue;
    changes.push({
      Action: 'Remove',
      LogicalResourceId: old.logicalId,
      ...(old.physicalId ? { PhysicalResourceId: old.physicalId } : {}),
      ResourceType: old.type,
      Details: [],
      Scope: [],
    });
  }
  return changes;
}

/**
 * A nested stack whose properties did not change is still updated: its template may have changed
 * at the same URL. AWS lists it with ChangeSource Automatic.
 */
function automaticChange(logicalId: string, physicalId: string): ResourceChange {
  return {
    Action: 'Modify',
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalId,
    ResourceType: NESTED_STACK_TYPE,
    Replacement: 'False',
    Scope: [],
    Details: [{ Evaluation: 'Dynamic', ChangeSource: 'Automatic' }],
  };
}

/** When properties cannot be resolved yet, every top-level property referring to something may change. */
function dynamicProperties(properties: Record<string, unknown> | undefined): string[] {
  return Object.keys(properties ?? {}).sort();
}

function topological(graph: Map<string, Set<string>>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of graph.get(id) ?? []) visit(dep);
    order.push(id);
  };
  for (const id of graph.keys()) visit(id);
  return order;
}
