/**
 * What a template value refers to: the names reached by `Ref`, `Fn::GetAtt` and the variables of
 * `Fn::Sub`. Validation checks them against the declared names; the dependency graph turns the
 * resource ones into edges.
 */
import { asFunction, getAttArgs, parseSub, subArgs } from './functions.js';

export interface Reference {
  /** `Ref` for `Ref` and `${Name}`; `GetAtt` for `Fn::GetAtt` and `${Name.Attribute}`. */
  kind: 'Ref' | 'GetAtt';
  /** A parameter, pseudo parameter or resource name (for `GetAtt`, always a resource). */
  target: string;
  /** For `GetAtt`, the attribute when it is written as a string. */
  attribute?: string;
}

export interface ReferenceOptions {
  /**
   * Evaluated conditions. When given, only the branch `Fn::If` takes is followed: CloudFormation
   * does not wait for (or require) a resource named only in the branch not taken. Without it,
   * both branches count, which is what template-level validation wants.
   */
  conditions?: Readonly<Record<string, boolean>>;
}

export function collectReferences(value: unknown, options: ReferenceOptions = {}): Reference[] {
  const found: Reference[] = [];
  walk(value, options, found);
  return found;
}

function walk(value: unknown, options: ReferenceOptions, found: Reference[]): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, options, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const fn = asFunction(value);
  if (fn?.name === 'Ref') {
    if (typeof fn.arg === 'string') found.push({ kind: 'Ref', target: fn.arg });
    return;
  }
  if (fn?.name === 'Fn::GetAtt') {
    const args = getAttArgs(fn.arg);
    if (!args) return;
    found.push({
      kind: 'GetAtt',
      target: args.resource,
      ...(typeof args.attribute === 'string' ? { attribute: args.attribute } : {}),
    });
    walk(args.attribute, options, found);
    return;
  }
  if (fn?.name === 'Fn::Sub') {
    const { text, variables } = subArgs(fn.arg);
    for (const part of parseSub(text)) {
      if (!('variable' in part) || part.variable in variables) continue;
      const dot = part.variable.indexOf('.');
      if (dot > 0) {
        found.push({
          kind: 'GetAtt',
          target: part.variable.slice(0, dot),
          attribute: part.variable.slice(dot + 1),
        });
      } else {
        found.push({ kind: 'Ref', target: part.variable });
      }
    }
    walk(Object.values(variables), options, found);
    return;
  }
  if (fn?.name === 'Fn::If' && options.conditions && Array.isArray(fn.arg) && fn.arg.length === 3) {
    const [name, whenTrue, whenFalse] = fn.arg as [unknown, unknown, unknown];
    const taken = typeof name === 'string' ? options.conditions[name] : undefined;
    if (taken !== undefined) {
      walk(taken ? whenTrue : whenFalse, options, found);
      return;
    }
  }
  for (const child of Object.values(value)) walk(child, options, found);
}

/**
 * The arguments of every `Fn::ImportValue` in `value` (unresolved), following only the branch of
 * `Fn::If` that `conditions` take.
 */
export function importValueArgs(value: unknown, conditions: Readonly<Record<string, boolean>>): unknown[] {
  const found: unknown[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const fn = asFunction(node);
    if (fn?.name === 'Fn::ImportValue') {
      found.push(fn.arg);
      return;
    }
    if (fn?.name === 'Fn::If' && Array.isArray(fn.arg) && fn.arg.length === 3) {
      const [name, whenTrue, whenFalse] = fn.arg as [unknown, unknown, unknown];
      const taken = typeof name === 'string' ? conditions[name] : undefined;
      if (taken !== undefined) {
        visit(taken ? whenTrue : whenFalse);
        return;
      }
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(value);
  return found;
}

/**
 * Whether `value` depends on something only known while a stack runs: a resource (by Ref, GetAtt
 * or a Fn::Sub variable), an imported value or Fn::GetAZs. Export names and Fn::ImportValue may
 * not, on AWS.
 */
export function dependsOnStackValues(value: unknown, resources: Readonly<Record<string, unknown>>): boolean {
  if (collectReferences(value).some((reference) => Object.hasOwn(resources, reference.target))) return true;
  const calls = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(calls);
    if (typeof node !== 'object' || node === null) return false;
    const fn = asFunction(node);
    if (fn?.name === 'Fn::ImportValue' || fn?.name === 'Fn::GetAZs') return true;
    return Object.values(node).some(calls);
  };
  return calls(value);
}
