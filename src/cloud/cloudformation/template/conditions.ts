/**
 * The Conditions section: checking it when a template is validated, and evaluating every
 * condition once parameter values are known. Conditions may use parameters, pseudo parameters,
 * mappings and other conditions, never resources.
 */
import { messages, TemplateError } from './errors.js';
import { asFunction, PSEUDO_PARAMETERS } from './functions.js';
import { type EvalContext, resolveValue } from './intrinsics.js';
import { collectReferences } from './references.js';
import { isRecord, type Template } from './types.js';

/**
 * Evaluates every condition of the template to a boolean. Only `parameters`, `pseudo` and
 * `mappings` of the context are used; a reference to anything else is a template error.
 */
export function evaluateConditions(template: Template, ctx: EvalContext): Record<string, boolean> {
  const declared = template.Conditions ?? {};
  const results: Record<string, boolean> = {};
  const visiting: string[] = [];
  const refuse = (id: string): never => {
    throw new TemplateError(messages.conditionReferencesResources([id]));
  };
  const scoped: EvalContext = { ...ctx, conditions: results, ref: refuse, getAtt: refuse };

  const named = (name: string): boolean => {
    const known = results[name];
    if (known !== undefined) return known;
    if (visiting.includes(name))
      throw new TemplateError(messages.circularConditions(visiting.slice(visiting.indexOf(name))));
    if (!Object.hasOwn(declared, name)) throw new TemplateError(messages.unresolvedConditions([name]));
    visiting.push(name);
    const value = evaluate(declared[name]);
    visiting.pop();
    results[name] = value;
    return value;
  };

  const evaluate = (expression: unknown): boolean => {
    const fn = asFunction(expression, true);
    switch (fn?.name) {
      case 'Fn::Equals': {
        if (!Array.isArray(fn.arg) || fn.arg.length !== 2) throw new TemplateError(messages.equalsShape);
        return sameValue(resolveValue(fn.arg[0], scoped), resolveValue(fn.arg[1], scoped));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const and = fn.name === 'Fn::And';
        if (!Array.isArray(fn.arg) || fn.arg.length < 2 || fn.arg.length > 10) {
          throw new TemplateError(and ? messages.andShape : messages.orShape);
        }
        // Every operand is evaluated (no short circuit), so a broken one is always reported.
        const values = fn.arg.map((operand: unknown) => evaluate(operand));
        return and ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        if (!Array.isArray(fn.arg) || fn.arg.length !== 1) throw new TemplateError(messages.notShape);
        return !evaluate(fn.arg[0]);
      }
      case 'Condition':
        if (typeof fn.arg !== 'string') throw new TemplateError(messages.conditionNotBoolean);
        return named(fn.arg);
      default:
        throw new TemplateError(messages.conditionNotBoolean);
    }
  };

  for (const name of Object.keys(declared)) named(name);
  return results;
}

/**
 * `Fn::Equals` compares what the values print as: `!Equals [true, !Ref Flag]` holds when the
 * parameter is the string "true".
 */
function sameValue(a: unknown, b: unknown): boolean {
  const normal = (v: unknown): unknown =>
    typeof v === 'number' || typeof v === 'boolean' ? String(v) : Array.isArray(v) ? v.map(normal) : v;
  return JSON.stringify(normal(a)) === JSON.stringify(normal(b));
}

/**
 * Static checks of the Conditions section, before any parameter value is known: shapes of the
 * condition functions, references only to parameters, and no condition depending on itself.
 */
export function validateConditions(template: Template): void {
  const declared = template.Conditions ?? {};
  const parameters = template.Parameters ?? {};
  const resourceRefs: string[] = [];
  const unknownConditions: string[] = [];
  const edges = new Map<string, string[]>();

  const shape = (expression: unknown, from: string): void => {
    const fn = asFunction(expression, true);
    switch (fn?.name) {
      case 'Fn::Equals':
        if (!Array.isArray(fn.arg) || fn.arg.length !== 2) throw new TemplateError(messages.equalsShape);
        for (const reference of collectReferences(fn.arg)) {
          const isParameter = reference.kind === 'Ref' && Object.hasOwn(parameters, reference.target);
          if (!isParameter && !PSEUDO_PARAMETERS.has(reference.target)) addOnce(resourceRefs, reference.target);
        }
        return;
      case 'Fn::And':
      case 'Fn::Or':
        if (!Array.isArray(fn.arg) || fn.arg.length < 2 || fn.arg.length > 10) {
          throw new TemplateError(fn.name === 'Fn::And' ? messages.andShape : messages.orShape);
        }
        for (const operand of fn.arg) shape(operand, from);
        return;
      case 'Fn::Not':
        if (!Array.isArray(fn.arg) || fn.arg.length !== 1) throw new TemplateError(messages.notShape);
        shape(fn.arg[0], from);
        return;
      case 'Condition':
        if (typeof fn.arg !== 'string') throw new TemplateError(messages.conditionNotBoolean);
        if (!Object.hasOwn(declared, fn.arg)) addOnce(unknownConditions, fn.arg);
        else edges.get(from)?.push(fn.arg);
        return;
      default:
        throw new TemplateError(messages.conditionNotBoolean);
    }
  };

  if (!isRecord(declared)) throw new TemplateError(messages.conditionNotBoolean);
  for (const [name, expression] of Object.entries(declared)) {
    edges.set(name, []);
    shape(expression, name);
  }
  if (resourceRefs.length > 0) throw new TemplateError(messages.conditionReferencesResources(resourceRefs));
  if (unknownConditions.length > 0) throw new TemplateError(messages.unresolvedConditions(unknownConditions));
  const cycle = findCycle(edges);
  if (cycle) throw new TemplateError(messages.circularConditions(cycle));
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

/** The names on the first cycle found, in the order they depend on each other. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return path.slice(at);
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
