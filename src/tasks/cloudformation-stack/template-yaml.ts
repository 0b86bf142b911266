/**
 * CloudFormation templates as data: JSON or YAML with the intrinsic functions' short forms
 * (`!Ref`, `!GetAtt A.B`, `!Sub` ...) read as their long forms (`{ Ref }`, `{ 'Fn::GetAtt': [A, B] }`),
 * as `aws cloudformation package` reads them, and written back as YAML in the long forms (which
 * CloudFormation reads the same way), or JSON.
 */
import { type CollectionTag, parse, type ScalarTag, stringify } from 'yaml';

/** Short-form tags: `!X` is `Fn::X`, except these two. */
const NOT_FN = new Set(['Ref', 'Condition']);

const FUNCTIONS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'And',
  'Or',
  'Not',
  'FindInMap',
  'Base64',
  'Cidr',
  'ImportValue',
  'GetAZs',
  'Transform',
  'Length',
  'ToJsonString',
  'ForEach',
];

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [NOT_FN.has(name) ? name : `Fn::${name}`]: value };
}

/** One tag per short form and node kind (`!Sub 'x'` and `!Sub [x, {...}]` are both allowed). */
const TAGS: (ScalarTag | CollectionTag)[] = FUNCTIONS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) } as ScalarTag,
    {
      tag,
      collection: 'seq',
      resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
    } as unknown as CollectionTag,
    {
      tag,
      collection: 'map',
      resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
    } as unknown as CollectionTag,
  ];
});

export type TemplateDocument = Record<string, unknown>;

/** A template's text as data (JSON is YAML too); throws on text that is not a mapping. */
export function parseTemplateText(text: string): TemplateDocument {
  const value: unknown = parse(text, { customTags: TAGS, uniqueKeys: false, maxAliasCount: -1 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('a template is a mapping (JSON object or YAML map) at its top level');
  }
  return value as TemplateDocument;
}

/** A template as YAML text in the intrinsics' long forms. */
export function templateYaml(template: TemplateDocument): string {
  // YAML 1.1 rules for quoting: CloudFormation reads '2010-09-09' or 'yes' unquoted as a date or a boolean.
  return stringify(template, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
