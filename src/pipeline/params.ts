/**
 * Static checks of a step's `with` against its action's schema, before placeholders have values:
 * literal values are checked, values that placeholders stand for are left for run time.
 */
import type { ActionDefinition } from '../tasks/task.js';
import type { Problem } from './errors.js';
import { collectTemplates, wholeReference } from './interpolation.js';
import type { PathSegment, PipelineSource } from './source.js';
import { zodProblems } from './zod-problems.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Problems of `with` (at `path`) for `action`; a whole-placeholder `with` is left for run time. */
export function paramsProblems(
  action: ActionDefinition,
  params: unknown,
  source: PipelineSource,
  path: PathSegment[],
): Problem[] {
  if (typeof params === 'string') {
    const templates = collectTemplates(params);
    const whole = templates[0]?.parsed.ok ? wholeReference(templates[0].parsed.parts) : undefined;
    return whole
      ? []
      : [source.problem('InvalidValue', path, 'expected the parameters as a mapping (or one placeholder)')];
  }
  const { value, ignore } = prepareForValidation(params);
  return zodProblems(action.params, value, source, { basePath: path, ignore });
}

/**
 * The value zod checks in place of `with`: escapes (`$${`) undone, and the paths holding
 * placeholders, whose checks are left for when the values are known. A whole placeholder may
 * stand for any type (everything at and below its path is skipped); a string with embedded
 * placeholders is still a string (only checks on that string are skipped).
 */
export function prepareForValidation(value: unknown): {
  value: unknown;
  ignore: (path: readonly PathSegment[]) => boolean;
} {
  const whole: string[] = [];
  const embedded = new Set<string>();
  const key = (path: readonly PathSegment[]) => JSON.stringify(path);
  const visit = (v: unknown, at: PathSegment[]): unknown => {
    if (typeof v === 'string') {
      const [template] = collectTemplates(v);
      if (!template) return v;
      if (!template.parsed.ok) {
        embedded.add(key(at));
        return v;
      }
      const parts = template.parsed.parts;
      if (wholeReference(parts)) whole.push(key(at).slice(0, -1));
      else if (parts.some((p) => p.type === 'ref')) embedded.add(key(at));
      else return parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => visit(item, [...at, i]));
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item, [...at, k])]));
    return v;
  };
  const prepared = visit(value, []);
  return {
    value: prepared,
    ignore: (path) => {
      const k = key(path);
      if (embedded.has(k)) return true;
      const open = k.slice(0, -1);
      return whole.some((prefix) => prefix === '[' || open === prefix || open.startsWith(`${prefix},`));
    },
  };
}
