/**
 * Checks of the values in Resources and Outputs before anything runs: each intrinsic function has
 * the arguments it takes, every `Ref`, `Fn::GetAtt` and `Fn::Sub` variable names something the
 * template declares, attributes exist on their resource type, `Fn::If` names a declared condition,
 * and what can be looked up statically (a `Fn::FindInMap` of literals, a `Fn::Select` from a
 * literal list) is there.
 */
import { declaredTransforms } from './describe.js';
import { messages, TemplateError } from './errors.js';
import { asFunction, getAttArgs, PSEUDO_PARAMETERS, parseSub, subArgs } from './functions.js';
import { dependsOnStackValues } from './references.js';
import { isRecord, type Template } from './types.js';

/** The one transform `Fn::Transform` may name here (expanded by `expandIncludes`). */
export const INCLUDE = 'AWS::Include';

/**
 * What `Transform: AWS::LanguageExtensions` adds to the language: without it, AWS knows neither
 * function and takes Fn::FindInMap with three arguments only.
 */
export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
const EXTENSION_FUNCTIONS = new Set(['Fn::Length', 'Fn::ToJsonString']);

/** Functions whose arguments are only walked here; their shapes are checked when evaluated. */
const WALKED = new Set([
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
]);

export interface ValueChecker {
  /** Checks a value; unresolved `Ref` names are collected, everything else throws. */
  check(value: unknown): void;
  /** `Ref` and `${Name}` names that are no parameter, pseudo parameter or resource. */
  readonly unresolved: string[];
}

export function valueChecker(
  template: Template,
  options: { attributesOf(type: string): readonly string[] | undefined; languageExtensions?: boolean },
): ValueChecker {
  const { attributesOf } = options;
  const parameters = template.Parameters ?? {};
  const resources = template.Resources;
  const conditions = template.Conditions ?? {};
  const unresolved: string[] = [];
  const extended = options.languageExtensions ?? declaredTransforms(template).includes(LANGUAGE_EXTENSIONS);

  const checkRef = (name: string) => {
    const known = PSEUDO_PARAMETERS.has(name) || Object.hasOwn(parameters, name) || Object.hasOwn(resources, name);
    if (!known && !unresolved.includes(name)) unresolved.push(name);
  };

  const checkGetAtt = (id: string, attribute: string | undefined) => {
    const resource = resources[id];
    if (!Object.hasOwn(resources, id) || resource === undefined) {
      throw new TemplateError(messages.getAttUndefinedResource(id));
    }
    const supported = attributesOf(resource.Type);
    if (attribute !== undefined && supported !== undefined && !supportsAttribute(supported, attribute)) {
      throw new TemplateError(messages.getAttUnsupported(id, attribute));
    }
  };

  const check = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) check(item);
      return;
    }
    if (!isRecord(value)) return;
    const fn = asFunction(value);
    if (!fn) {
      for (const member of Object.values(value)) check(member);
      return;
    }
    const { name, arg } = fn;
    switch (name) {
      case 'Ref':
        if (typeof arg !== 'string') throw new TemplateError(messages.refNotString);
        checkRef(arg);
        return;
      case 'Fn::GetAtt': {
        const args = getAttArgs(arg);
        if (!args) throw new TemplateError(messages.getAttShape);
        checkGetAtt(args.resource, typeof args.attribute === 'string' ? args.attribute : undefined);
        check(args.attribute);
        return;
      }
      case 'Fn::Sub': {
        const { text, variables } = subArgs(arg);
        for (const part of parseSub(text)) {
          if (!('variable' in part) || Object.hasOwn(variables, part.variable)) continue;
          const dot = part.variable.indexOf('.');
          if (dot > 0 && !part.variable.startsWith('AWS::')) {
            checkGetAtt(part.variable.slice(0, dot), part.variable.slice(dot + 1));
          } else {
            checkRef(part.variable);
          }
        }
        check(Object.values(variables));
        return;
      }
      case 'Fn::Join':
        listOf(arg, 2, messages.joinShape);
        check(arg);
        return;
      case 'Fn::Split':
        listOf(arg, 2, messages.splitShape);
        check(arg);
        return;
      case 'Fn::Select': {
        const [index, list] = listOf(arg, 2, messages.selectShape);
        const literalIndex = typeof index === 'number' || typeof index === 'string' ? index : undefined;
        if (literalIndex !== undefined) {
          const n = Number(literalIndex);
          const valid = /^\d+$/.test(String(literalIndex)) && (!Array.isArray(list) || n < list.length);
          if (!valid) throw new TemplateError(messages.selectShape);
        }
        if (list !== undefined && !Array.isArray(list) && !isRecord(list))
          throw new TemplateError(messages.selectShape);
        check(arg);
        return;
      }
      case 'Fn::FindInMap':
        if (!extended && Array.isArray(arg) && arg.length === 4) throw new TemplateError(messages.findInMapShape);
        findInMap(template, arg);
        check(arg);
        return;
      case 'Fn::Transform':
        checkTransform(arg);
        return;
      case 'Fn::ImportValue':
        if (dependsOnStackValues(arg, resources)) throw new TemplateError(messages.importValueDepends);
        check(arg);
        return;
      case 'Fn::If': {
        const [condition] = listOf(arg, 3, messages.ifShape);
        if (typeof condition !== 'string') throw new TemplateError(messages.ifShape);
        if (!Object.hasOwn(conditions, condition)) throw new TemplateError(messages.ifUnresolvedCondition(condition));
        check(arg);
        return;
      }
      default:
        if (EXTENSION_FUNCTIONS.has(name) && !extended) throw new TemplateError(messages.unsupportedFunction(name));
        if (!WALKED.has(name)) throw new TemplateError(messages.unsupportedFunction(name));
        check(arg);
    }
  };

  return { check, unresolved };
}

/**
 * Nested stacks expose `Outputs.<Name>`: a provider lists that as `Outputs.*`, matching any name
 * after the prefix.
 */
function supportsAttribute(supported: readonly string[], attribute: string): boolean {
  return supported.some((name) =>
    name.endsWith('.*')
      ? attribute.startsWith(name.slice(0, -1)) && attribute.length > name.length - 1
      : name === attribute,
  );
}

/**
 * `Fn::Transform` is expanded before the template is used (`expandIncludes`); what remains to check
 * is that it names a transform the local cloud can run.
 */
function checkTransform(arg: unknown): void {
  const name = isRecord(arg) ? arg['Name'] : undefined;
  if (typeof name !== 'string') throw new TemplateError(messages.transformName);
  if (name !== INCLUDE) throw new TemplateError(messages.unknownTransform(name));
}

function listOf(arg: unknown, length: number, shape: string): unknown[] {
  if (!Array.isArray(arg) || arg.length !== length) throw new TemplateError(shape);
  return arg;
}

/** Shape, and for literal names the lookup itself: AWS fails such a template at validation. */
function findInMap(template: Template, arg: unknown): void {
  if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4) throw new TemplateError(messages.findInMapShape);
  const [map, key, attribute, options] = arg as unknown[];
  const literal = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
  if (!literal(map) || !literal(key) || !literal(attribute) || options !== undefined) return;
  const level1 = template.Mappings?.[String(map)];
  const level2 = isRecord(level1) && Object.hasOwn(level1, String(key)) ? level1[String(key)] : undefined;
  if (!isRecord(level2) || !Object.hasOwn(level2, String(attribute))) {
    throw new TemplateError(messages.mappingNotFound(String(map), String(key), String(attribute)));
  }
}
