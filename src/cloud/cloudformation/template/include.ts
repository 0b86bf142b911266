/**
 * The AWS::Include transform: a template snippet stored in S3 inserted where the template names
 * it, either as a value (`Fn::Transform: { Name: AWS::Include, Parameters: { Location } }`) or at
 * the top (`Transform: { Name: AWS::Include, ... }`, whose snippet's sections join the template's).
 * Reading the object is the caller's (`read`), so this stays pure.
 */
import { declaredTransformEntries } from './describe.js';
import { messages, TemplateError } from './errors.js';
import { asFunction } from './functions.js';
import { parseTemplate } from './parse.js';
import { isRecord, setOwn, type Template } from './types.js';
import { INCLUDE } from './validate-values.js';

/** Reads the snippet at an S3 location (`s3://bucket/key` or an https URL); throws to fail. */
export type SnippetReader = (location: string) => string;

/** Snippets can include snippets; AWS stops far earlier than a template would ever need. */
const MAX_DEPTH = 10;

/** The template with every AWS::Include expanded; other transforms are left for validation. */
export function expandIncludes(template: Template, read: SnippetReader): Template {
  let result = expandValues(template, read, 0) as Template;
  for (const entry of declaredTransformEntries(result)) {
    if (entry.name !== INCLUDE) continue;
    const snippet = loadSnippet(entry.parameters, read);
    for (const [section, value] of Object.entries(snippet)) {
      const existing = (result as unknown as Record<string, unknown>)[section];
      const merged = isRecord(existing) && isRecord(value) ? { ...existing, ...value } : value;
      result = { ...result };
      setOwn(result as unknown as Record<string, unknown>, section, merged);
    }
  }
  return result;
}

function expandValues(value: unknown, read: SnippetReader, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => expandValues(item, read, depth));
  if (!isRecord(value)) return value;
  const fn = asFunction(value);
  if (fn?.name === 'Fn::Transform' && isRecord(fn.arg) && fn.arg['Name'] === INCLUDE) {
    if (depth >= MAX_DEPTH) throw new TemplateError(messages.includeFailed('too many nested includes.'));
    return expandValues(loadSnippet(fn.arg['Parameters'], read), read, depth + 1);
  }
  const object: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) setOwn(object, key, expandValues(member, read, depth));
  return object;
}

function loadSnippet(parameters: unknown, read: SnippetReader): Record<string, unknown> {
  const location = isRecord(parameters) ? parameters['Location'] : undefined;
  if (typeof location !== 'string' || location === '') throw new TemplateError(messages.includeLocation);
  let text: string;
  try {
    text = read(location);
  } catch (error) {
    throw new TemplateError(messages.includeFailed((error as Error).message));
  }
  return parseTemplate(text) as unknown as Record<string, unknown>;
}
