/**
 * zod issues -> pipeline problems with positions: one problem per unknown key (pointing at the
 * key, listing the keys that are allowed), "missing" for absent required keys, and for a failed
 * union the issues of the alternative that came closest (zod's own message is just "Invalid
 * input"). Issues at paths the caller says to ignore (values that are placeholders) are dropped.
 */
import type { Problem } from './errors.js';
import type { PathSegment, PipelineSource } from './source.js';
import { didYouMean } from './suggest.js';
import type * as z from './zod.js';

type Issue = z.core.$ZodIssue;

export interface ZodProblemOptions {
  /** The document path of the validated value (`['steps', 2, 'with']`). */
  basePath: PathSegment[];
  /** Issues at these paths (relative to the value) are not problems. */
  ignore?: (path: readonly PathSegment[]) => boolean;
}

export function zodProblems(
  schema: z.ZodMiniType,
  value: unknown,
  source: PipelineSource,
  options: ZodProblemOptions,
): Problem[] {
  let result: ReturnType<z.ZodMiniType['safeParse']>;
  try {
    result = schema.safeParse(value);
  } catch {
    // A schema that cannot be checked synchronously (async refinements) is checked when the step runs.
    return [];
  }
  if (result.success) return [];
  const issues = relevantIssues(result.error.issues as Issue[], [], options.ignore ?? (() => false));
  const problems: Problem[] = [];
  for (const { issue, path } of issues) {
    const at = [...options.basePath, ...path];
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(schema, path);
      for (const key of issue.keys) {
        const list = allowed ? ` (allowed: ${allowed.join(', ')})` : '';
        problems.push(
          source.problem(
            'UnknownKey',
            [...at, key],
            `unknown key "${key}"${allowed ? didYouMean(key, allowed) : ''}${list}`,
            'key',
          ),
        );
      }
      continue;
    }
    const actual = valueAt(value, path);
    if (issue.code === 'invalid_type' && actual === undefined && path.length > 0) {
      problems.push(
        source.problem(
          'InvalidValue',
          at.slice(0, -1),
          `missing required key "${String(path.at(-1))}" (${issue.expected})`,
        ),
      );
      continue;
    }
    problems.push(source.problem('InvalidValue', at, messageOf(issue)));
  }
  return problems;
}

function messageOf(issue: Issue): string {
  if (issue.code === 'invalid_union' && issue.errors.length === 0 && issue.discriminator) {
    const options = 'options' in issue && issue.options ? issue.options.map((o) => JSON.stringify(o)).join(', ') : '';
    return `${issue.message}: "${issue.discriminator}" must be one of ${options}`;
  }
  return issue.message;
}

/**
 * Flattens unions (into the closest alternative's issues) and drops ignored ones; paths are
 * absolute within the validated value.
 */
function relevantIssues(
  issues: readonly Issue[],
  prefix: PathSegment[],
  ignore: (path: readonly PathSegment[]) => boolean,
): { issue: Issue; path: PathSegment[] }[] {
  const out: { issue: Issue; path: PathSegment[] }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (ignore(path)) continue;
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The closest alternative: one whose type matched (its issues are inside the value), then
      // the one with the fewest issues.
      let best: { issue: Issue; path: PathSegment[] }[] | undefined;
      let bestRank = Number.POSITIVE_INFINITY;
      for (const alternative of issue.errors) {
        const remaining = relevantIssues(alternative as Issue[], path, ignore);
        const typeMismatch = remaining.some((r) => r.issue.code === 'invalid_type' && r.path.length === path.length);
        const rank = (typeMismatch ? 1000 : 0) + remaining.length;
        if (rank < bestRank) {
          best = remaining;
          bestRank = rank;
        }
      }
      // An alternative with no remaining issue matches once the placeholders are filled in.
      if (best && best.length > 0) out.push(...best);
      continue;
    }
    out.push({ issue, path });
  }
  return out;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

interface SchemaInternals {
  _zod: { def: Record<string, unknown> & { type: string } };
}

/** The keys an object schema allows at `path` (through optional, default, pipe, array, record, union). */
export function objectKeysAt(schema: z.ZodMiniType, path: readonly PathSegment[]): string[] | undefined {
  const candidates = schemasAt(schema as unknown as SchemaInternals, path, 0);
  const keys = new Set<string>();
  for (const candidate of candidates) {
    const shape = unwrap(candidate)._zod.def['shape'] as Record<string, unknown> | undefined;
    if (shape) for (const key of Object.keys(shape)) keys.add(key);
  }
  return keys.size ? [...keys] : undefined;
}

function unwrap(schema: SchemaInternals): SchemaInternals {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = current._zod.def;
    const inner =
      def['innerType'] ??
      (def.type === 'pipe' ? def['in'] : undefined) ??
      (def.type === 'lazy' ? (def['getter'] as () => unknown)() : undefined);
    if (!inner) return current;
    current = inner as SchemaInternals;
  }
  return current;
}

function schemasAt(schema: SchemaInternals, path: readonly PathSegment[], depth: number): SchemaInternals[] {
  const current = unwrap(schema);
  const def = current._zod.def;
  if (def.type === 'union') {
    return (def['options'] as SchemaInternals[]).flatMap((option) => schemasAt(option, path, depth));
  }
  if (depth === path.length) return [current];
  const segment = path[depth];
  if (def.type === 'object') {
    const child = (def['shape'] as Record<string, SchemaInternals>)[String(segment)];
    return child ? schemasAt(child, path, depth + 1) : [];
  }
  if (def.type === 'array') return schemasAt(def['element'] as SchemaInternals, path, depth + 1);
  if (def.type === 'record') return schemasAt(def['valueType'] as SchemaInternals, path, depth + 1);
  return [];
}
