/**
 * What a deploying action's plan tells later plans: the stack's fingerprint (what it will deploy,
 * so a second step deploying the same stack knows whether it repeats the first), and the outputs
 * the stack will have after an update, where the change set shows they cannot change.
 *
 * An output keeps its value when its definition is the same in the stack's current template and
 * the new one, and everything it refers to stays: a parameter with the same value, a resource the
 * change set does not remove or replace (for `Fn::GetAtt`, one it does not modify at all: an
 * update may change attributes, a stream's ARN when its table's stream is redefined). Anything
 * else, an output with a Condition, an import, is known after run.
 */
import { createHash } from 'node:crypto';
import type { Change, Stack } from '@aws-sdk/client-cloudformation';
import { KNOWN_AFTER_RUN, type OutputValue } from '../task.js';
import type { StackParams } from './params.js';
import type { TemplateInput } from './template.js';
import { parseTemplateText, type TemplateDocument } from './template-yaml.js';

/** The parameter values a deploy passes, with `usePreviousValue` read from the stack. */
function effectiveParameters(params: StackParams, current: Stack | undefined): Record<string, string> {
  const previous = new Map((current?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
  return Object.fromEntries(
    Object.entries(params.parameters ?? {})
      .map(([key, value]): [string, string] => {
        if (typeof value === 'object' && !Array.isArray(value)) return [key, previous.get(key) ?? '(default)'];
        return [key, Array.isArray(value) ? value.join(',') : String(value)];
      })
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** What a deploy sends, canonically: equal fingerprints deploy the same thing. */
export function stackFingerprint(template: TemplateInput, params: StackParams, current: Stack | undefined): string {
  const source =
    'TemplateBody' in template
      ? createHash('sha256').update(template.TemplateBody).digest('hex')
      : 'TemplateURL' in template
        ? template.TemplateURL
        : 'previous';
  const tags = Object.entries(params.tags ?? {})
    .map(([k, v]) => [k, String(v)])
    .sort();
  return JSON.stringify({ source, parameters: effectiveParameters(params, current), tags });
}

/** Logical ids (and whether through Fn::GetAtt) an output's value refers to; undefined for what is not analysed. */
function references(value: unknown, found: { name: string; attribute: boolean }[] = []): typeof found | undefined {
  if (Array.isArray(value)) {
    for (const item of value) if (!references(item, found)) return undefined;
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first) {
    const [fn, arg] = first;
    if (fn === 'Ref' && typeof arg === 'string') return [...found, { name: arg, attribute: false }];
    if (fn === 'Fn::GetAtt') {
      const name = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
      return typeof name === 'string' ? [...found, { name, attribute: true }] : undefined;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text !== 'string') return undefined;
      const local = new Set(Object.keys((vars as Record<string, unknown>) ?? {}));
      for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const [name, attribute] = (m[1] ?? '').split('.');
        if (name && !local.has(name)) found.push({ name, attribute: attribute !== undefined });
      }
      return references(vars, found);
    }
    if (fn === 'Fn::ImportValue' || fn === 'Fn::Transform') return undefined;
  }
  for (const [, item] of entries) if (!references(item, found)) return undefined;
  return found;
}

function sectionOf(template: TemplateDocument, name: string): Record<string, unknown> {
  const section = template[name];
  return section && typeof section === 'object' ? (section as Record<string, unknown>) : {};
}

export interface OutputForecast {
  current: Stack;
  /** The stack's outputs now, as step outputs (NoEcho values kept secret). */
  outputs: Record<string, OutputValue>;
  /** The stack's template now (GetTemplate, Original) and the one deployed. */
  oldTemplate: string;
  newTemplate: string;
  changes: Change[];
  params: StackParams;
}

/** The stack's outputs after the update: current values where they cannot change, KNOWN_AFTER_RUN elsewhere. */
export function forecastOutputs(forecast: OutputForecast): Record<string, OutputValue> {
  const { current, changes } = forecast;
  let oldOutputs: Record<string, unknown>;
  let newOutputs: Record<string, unknown>;
  let newParameters: Record<string, unknown>;
  try {
    const oldTemplate = parseTemplateText(forecast.oldTemplate);
    const newTemplate = parseTemplateText(forecast.newTemplate);
    oldOutputs = sectionOf(oldTemplate, 'Outputs');
    newOutputs = sectionOf(newTemplate, 'Outputs');
    newParameters = sectionOf(newTemplate, 'Parameters');
  } catch {
    oldOutputs = {};
    newOutputs = {};
    newParameters = {};
  }
  const given = effectiveParameters(forecast.params, current);
  const before = new Map((current.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue]));
  const parameterKept = (name: string) => {
    const declared = newParameters[name] as { Default?: unknown } | undefined;
    const after = given[name] ?? (declared?.Default === undefined ? undefined : String(declared.Default));
    return after !== undefined && after === before.get(name);
  };
  const changed = new Map(
    changes.flatMap((c) => (c.ResourceChange ? [[c.ResourceChange.LogicalResourceId, c.ResourceChange]] : [])),
  );
  const resourceKept = (name: string, attribute: boolean) => {
    const change = changed.get(name);
    if (!change) return true;
    if (attribute || change.Action !== 'Modify') return false;
    return change.Replacement === 'False';
  };
  const outputs: Record<string, OutputValue> = {};
  for (const [key, value] of Object.entries(forecast.outputs)) {
    const oldDefinition = oldOutputs[key] as { Value?: unknown; Condition?: unknown } | undefined;
    const newDefinition = newOutputs[key] as { Value?: unknown; Condition?: unknown } | undefined;
    const same = oldDefinition !== undefined && JSON.stringify(oldDefinition) === JSON.stringify(newDefinition);
    const refs = same && newDefinition?.Condition === undefined ? references(newDefinition?.Value) : undefined;
    const kept =
      refs?.every(({ name, attribute }) =>
        name.startsWith('AWS::') ? true : name in newParameters ? parameterKept(name) : resourceKept(name, attribute),
      ) ?? false;
    outputs[key] = kept ? value : KNOWN_AFTER_RUN;
  }
  outputs.stackId = current.StackId ?? KNOWN_AFTER_RUN;
  outputs.stackName = current.StackName ?? forecast.params.stackName;
  outputs.stackStatus = KNOWN_AFTER_RUN;
  return outputs;
}
