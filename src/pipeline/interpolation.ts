// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/**
 * `${...}` placeholders in pipeline values:
 *
 * - `${vars.name}` (and `${vars.name.key}` into an object variable), `${env.NAME}`,
 *   `${steps.<id>.outputs.<name>}`, `${file:path}` (the file's text, relative to the pipeline file);
 * - a string that is exactly one placeholder takes the value's own type (a number stays a number,
 *   an object stays an object); placeholders inside a longer string are stringified (objects as
 *   JSON);
 * - `$${` is a literal `${`.
 */

export type Reference =
  | { kind: 'vars'; name: string; path: string[] }
  | { kind: 'env'; name: string }
  | { kind: 'steps'; stepId: string; output: string }
  | { kind: 'file'; path: string };

export type TemplatePart = { type: 'text'; text: string } | { type: 'ref'; ref: Reference; source: string };

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

const NAME = '[A-Za-z_][\\w-]*';
const VARS = new RegExp(`^vars\\.(${NAME})((?:\\.[\\w-]+)*)$`);
const ENV = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const STEPS = new RegExp(`^steps\\.(${NAME})\\.outputs\\.(${NAME})$`);
const FILE = /^file:(.+)$/;

export const REFERENCE_FORMS = '${vars.NAME}, ${env.NAME}, ${steps.ID.outputs.NAME} or ${file:PATH}';

/** One placeholder's inside (`vars.bucket`), or an error message. */
export function parseReference(expression: string): Reference | string {
  const text = expression.trim();
  let m = VARS.exec(text);
  if (m) return { kind: 'vars', name: m[1] as string, path: (m[2] ?? '').split('.').filter(Boolean) };
  m = ENV.exec(text);
  if (m) return { kind: 'env', name: m[1] as string };
  m = STEPS.exec(text);
  if (m) return { kind: 'steps', stepId: m[1] as string, output: m[2] as string };
  m = FILE.exec(text);
  if (m) return { kind: 'file', path: (m[1] as string).trim() };
  return `unknown placeholder "\${${text}}": use ${REFERENCE_FORMS}`;
}

/** Splits a string into text and placeholders. */
export function parseTemplate(input: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (input.startsWith('${', i)) {
      const end = input.indexOf('}', i + 2);
      if (end < 0) return { ok: false, error: `unterminated placeholder "${input.slice(i)}": add the closing "}"` };
      const ref = parseReference(input.slice(i + 2, end));
      if (typeof ref === 'string') return { ok: false, error: ref };
      if (text) parts.push({ type: 'text', text });
      text = '';
      parts.push({ type: 'ref', ref, source: input.slice(i, end + 1) });
      i = end + 1;
      continue;
    }
    text += input[i];
    i++;
  }
  if (text || parts.length === 0) parts.push({ type: 'text', text });
  return { ok: true, parts };
}

/** Whether a string has any `${` (escaped or not): the cheap test before parsing. */
export function mayHavePlaceholders(value: string): boolean {
  return value.includes('${');
}

/** The placeholder when the template is exactly one placeholder (so its value keeps its type). */
export function wholeReference(parts: readonly TemplatePart[]): Extract<TemplatePart, { type: 'ref' }> | undefined {
  const [only] = parts;
  return parts.length === 1 && only?.type === 'ref' ? only : undefined;
}

/** The value of a placeholder in a plan, where an earlier step's outputs do not exist yet. */
export const UNKNOWN: unique symbol = Symbol('known after run');
export const UNKNOWN_TEXT = '<known after run>';

/** Whether a parameter an action's plan received holds a value known only after earlier steps run. */
export function isKnownAfterRun(value: unknown): boolean {
  return typeof value === 'string' && value.includes(UNKNOWN_TEXT);
}

export type Resolver = (ref: Reference, source: string) => unknown;

export interface InterpolationResult {
  value: unknown;
  /** Placeholders whose value is not known yet (plans only), as written. */
  unknown: string[];
}

/**
 * Replaces the placeholders in every string of `value` (deeply). Throws what `resolve` throws, and
 * an Error for a malformed placeholder (validation reports those before anything runs).
 */
export function interpolate(value: unknown, resolve: Resolver): InterpolationResult {
  const unknown: string[] = [];
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return interpolateString(v, resolve, unknown);
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item)]));
    }
    return v;
  };
  return { value: visit(value), unknown };
}

function interpolateString(input: string, resolve: Resolver, unknown: string[]): unknown {
  if (!mayHavePlaceholders(input)) return input;
  const parsed = parseTemplate(input);
  if (!parsed.ok) throw new Error(parsed.error);
  const whole = wholeReference(parsed.parts);
  if (whole) {
    const value = resolve(whole.ref, whole.source);
    if (value === UNKNOWN) {
      unknown.push(whole.source);
      return UNKNOWN_TEXT;
    }
    return value;
  }
  let out = '';
  for (const part of parsed.parts) {
    if (part.type === 'text') {
      out += part.text;
      continue;
    }
    const value = resolve(part.ref, part.source);
    if (value === UNKNOWN) {
      unknown.push(part.source);
      out += UNKNOWN_TEXT;
    } else {
      out += stringify(value);
    }
  }
  return out;
}

/** How a value reads inside a longer string. */
export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Every placeholder in `value` (deeply), with the path of the string it is in. */
export function collectTemplates(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; input: string; parsed: ParsedTemplate }[] {
  const found: { path: (string | number)[]; input: string; parsed: ParsedTemplate }[] = [];
  const visit = (v: unknown, at: (string | number)[]) => {
    if (typeof v === 'string') {
      if (mayHavePlaceholders(v)) found.push({ path: at, input: v, parsed: parseTemplate(v) });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        visit(item, [...at, i]);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) visit(item, [...at, k]);
    }
  };
  visit(value, path);
  return found;
}
