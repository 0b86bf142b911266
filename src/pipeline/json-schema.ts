// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * A JSON Schema of the pipeline file for editors (yaml-language-server:
 * `# yaml-language-server: $schema=./lambda-tasks.schema.json`), built from the same zod schemas
 * the validator uses. A step is one alternative per task and action, told apart by their `task`
 * and `action` constants, with that action's `with`. Since any value in `with` may be a
 * placeholder, every constrained value there also accepts a `${...}` string.
 */
import { defaultRegistry, type TaskRegistry } from './registry.js';
import { pipelineSchema, stepSchema } from './schema.js';
import * as z from './zod.js';

type JsonSchema = Record<string, unknown>;

const PLACEHOLDER: JsonSchema = {
  type: 'string',
  pattern: '\\$\\{[^}]+\\}',
  description: 'A placeholder: ${vars.NAME}, ${env.NAME}, ${steps.ID.outputs.NAME} or ${file:PATH}',
};
const PLACEHOLDER_REF: JsonSchema = { $ref: '#/definitions/placeholder' };

function toJson(schema: z.core.$ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json['$schema'];
  return json;
}

/** Lets every value that a placeholder could stand for be a placeholder. */
function allowPlaceholders(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowPlaceholders);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // Property names are keys, not values.
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, allowPlaceholders(v)]));
    } else if (['required', 'enum', 'const', 'type', 'pattern', 'propertyNames'].includes(key)) {
      out[key] = value;
    } else {
      out[key] = allowPlaceholders(value);
    }
  }
  const constrained =
    'type' in node || 'enum' in node || 'const' in node || 'pattern' in node || 'format' in node || 'anyOf' in node;
  const plainString =
    node['type'] === 'string' &&
    !(
      'enum' in node ||
      'const' in node ||
      'pattern' in node ||
      'format' in node ||
      'minLength' in node ||
      'maxLength' in node
    );
  if (!constrained || plainString) return out;
  return { anyOf: [out, PLACEHOLDER_REF] };
}

export function pipelineJsonSchema(registry: TaskRegistry = defaultRegistry()): JsonSchema {
  const root = toJson(pipelineSchema);
  const step = toJson(stepSchema);
  const stepProperties = step['properties'] as Record<string, JsonSchema>;
  const alternatives: JsonSchema[] = [];
  const definitions: Record<string, unknown> = { placeholder: PLACEHOLDER };
  for (const task of registry.values()) {
    for (const [name, action] of Object.entries(task.actions)) {
      const isDefault = task.defaultAction === name;
      const params = hoistDefinitions(toJson(action.params), `${task.name}.${name}.`, definitions);
      alternatives.push({
        type: 'object',
        description: `${task.name} ${name}: ${action.description}`,
        properties: {
          ...stepProperties,
          task: { const: task.name, description: task.description },
          action: { const: name, description: action.description },
          with: allowPlaceholders(params),
        },
        required: isDefault ? ['id', 'task'] : ['id', 'task', 'action'],
        additionalProperties: false,
      });
    }
  }
  const properties = root['properties'] as Record<string, JsonSchema>;
  const steps = properties['steps'] as JsonSchema;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'lambda-tasks pipeline',
    ...root,
    definitions,
    properties: {
      ...properties,
      steps: { ...steps, items: alternatives.length ? { anyOf: alternatives } : step },
    },
  };
}

/**
 * Moves an action schema's own `definitions` (zod emits them for shared or recursive schemas) to
 * the root under a prefix, rewriting its `$ref`s, since a `$ref` resolves against the root.
 */
function hoistDefinitions(schema: JsonSchema, prefix: string, root: Record<string, unknown>): JsonSchema {
  const own = schema['definitions'] as Record<string, unknown> | undefined;
  if (!own) return schema;
  const { definitions: _, ...rest } = schema;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', `#/definitions/${prefix}`) : rewrite(v),
      ]),
    );
  };
  for (const [name, definition] of Object.entries(own))
    root[`${prefix}${name}`] = allowPlaceholders(rewrite(definition));
  return rewrite(rest) as JsonSchema;
}
