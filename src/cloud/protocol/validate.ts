/**
 * Generic input validation from the model's constraint traits (required, enum, length, range,
 * pattern), reported the way AWS's JSON and query services word it:
 * `1 validation error detected: Value '1000' at 'timeout' failed to satisfy constraint: Member must
 * have value less than or equal to 900`. All problems are collected, not just the first.
 */
import { type ServiceModel, type ShapeRef, shapeOf } from './model.js';

export interface ValidateOptions {
  /**
   * Match patterns against the whole value. Smithy patterns are not anchored, and most services
   * test them anywhere in a value; some (IAM) match names and documents whole, refusing `my role`.
   */
  wholeValuePatterns?: boolean;
}

const patternCache = new Map<string, RegExp | null>();

function compilePattern(pattern: string, whole: boolean): RegExp | null {
  const key = whole ? `^(?:${pattern})$` : pattern;
  let re = patternCache.get(key);
  if (re === undefined) {
    try {
      // Smithy patterns are ECMA-262 compatible by spec; a few models still carry Java-only syntax, which we skip.
      re = new RegExp(key, 'u');
    } catch {
      re = null;
    }
    patternCache.set(key, re);
  }
  return re;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (typeof value === 'object') return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}

/** One failed constraint: where, the value found there, and AWS's words for the constraint. */
export interface ValidationProblem {
  path: string;
  value: unknown;
  constraint: string;
}

/** `Value '1000' at 'timeout' failed to satisfy constraint: ...`, as AWS words one problem. */
export function problemText({ path, value, constraint }: ValidationProblem): string {
  return `Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`;
}

export function validateInput(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  options: ValidateOptions = {},
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  visit(model, ref, value, '', problems, options);
  return problems;
}

function visit(
  model: ServiceModel,
  ref: ShapeRef,
  value: unknown,
  path: string,
  problems: ValidationProblem[],
  options: ValidateOptions,
): void {
  const shape = shapeOf(model, ref);
  const fail = (constraint: string) => problems.push({ path, value, constraint });
  switch (shape.type) {
    case 'structure': {
      const record = (value ?? {}) as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (record[name] === undefined || record[name] === null) {
          const at = path ? `${path}.${lowerCamel(name)}` : lowerCamel(name);
          problems.push({ path: at, value: null, constraint: 'Member must not be null' });
        }
      }
      for (const [name, memberRef] of Object.entries(shape.members ?? {})) {
        const member = record[name];
        if (member === undefined || member === null) continue;
        visit(model, memberRef, member, path ? `${path}.${lowerCamel(name)}` : lowerCamel(name), problems, options);
      }
      return;
    }
    case 'list': {
      const list = value as unknown[];
      if (!Array.isArray(list)) return;
      if (shape.min !== undefined && list.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && list.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      list.forEach((item, i) => {
        visit(model, shape.member as ShapeRef, item, `${path}.${i + 1}.member`, problems, options);
      });
      return;
    }
    case 'map': {
      const map = value as Record<string, unknown>;
      const size = Object.keys(map).length;
      if (shape.min !== undefined && size < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && size > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [k, v] of Object.entries(map)) {
        visit(model, shape.key as ShapeRef, k, `${path}.key`, problems, options);
        visit(model, shape.value as ShapeRef, v, `${path}.${k}`, problems, options);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return;
      if (shape.enum && !shape.enum.includes(value)) {
        fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        return;
      }
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.pattern) {
        const re = compilePattern(shape.pattern, options.wholeValuePatterns ?? false);
        if (re && !re.test(value)) fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number') {
        fail('Member must be a number');
        return;
      }
      if (shape.min !== undefined && value < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'blob': {
      if (!Buffer.isBuffer(value)) return;
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      return;
    }
    default:
      return;
  }
}
