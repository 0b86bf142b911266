/**
 * `Fn::ForEach::<LoopName>: [Identifier, Collection, {OutputKey: OutputValue}]`, expanded in the
 * Conditions, Resources (at any depth, so loops in Properties too) and Outputs sections. Where
 * the identifier is substituted, as CloudFormation does it (measured against real accounts):
 * - in the keys of a loop's fragment: `${Id}` is the item, `&{Id}` the item without its
 *   non-alphanumeric characters; keys nested deeper keep their placeholders;
 * - in the text of a `Fn::Sub` (`${Id}` only; `&{Id}` stays literal), and a `Fn::Sub` with no
 *   variable left becomes its text, so `!GetAtt [!Sub 'Bucket${Id}', Arn]` names the copy;
 * - for a `Ref` to the identifier, which becomes the item.
 * A plain string value, and the condition name of a `Fn::If`, keep their placeholders. A `Fn::FindInMap` whose keys are known by then is
 * looked up here (a per-item value in a place the engine does not evaluate); others stay for the
 * engine, with their DefaultValue. `Fn::Length` and `Fn::ToJsonString` are evaluated by the
 * engine once the stack's values are known.
 */
import { isRecord } from '../template/types.js';
import { LanguageExtensionsError, languageExtensionsMessages as messages } from './errors.js';
import type { StaticValues } from './static-values.js';

export const FOR_EACH_PREFIX = 'Fn::ForEach::';

/** The items bound by the loops around a value: identifier -> item. */
type Bindings = Readonly<Record<string, string>>;

/** A `${Name}` or `&{Name}` placeholder; `${!Literal}` is none. */
const PLACEHOLDER = /([$&])\{([^!}][^}]*)\}/g;

export function expandForEach(section: unknown, values: StaticValues): unknown {
  return expand(section, {}, values);
}

function expand(node: unknown, bindings: Bindings, values: StaticValues): unknown {
  if (Array.isArray(node)) return node.map((item) => expand(item, bindings, values));
  if (!isRecord(node)) return node;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const [name] = keys as [string];
    const argument = node[name];
    switch (name) {
      case 'Ref':
        if (typeof argument === 'string') return Object.hasOwn(bindings, argument) ? bindings[argument] : node;
        return { Ref: expand(argument, bindings, values) };
      case 'Fn::Sub':
        return expandSub(argument, bindings, values);
      case 'Fn::FindInMap':
        return expandFindInMap(argument, bindings, values);
      case 'Fn::If':
        // The condition's name is not substituted, as on CloudFormation: only the branches are.
        if (Array.isArray(argument) && argument.length === 3) {
          return { [name]: [argument[0], ...argument.slice(1).map((branch) => expand(branch, bindings, values))] };
        }
        break;
      case 'Fn::ToJsonString':
        // Outside a loop there is nothing to substitute: the engine serialises it as written.
        return Object.keys(bindings).length === 0 ? node : { [name]: expand(argument, bindings, values) };
    }
  }
  const expanded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith(FOR_EACH_PREFIX)) {
      for (const [producedKey, produced] of forEach(value, bindings, values)) {
        if (Object.hasOwn(expanded, producedKey)) throw new LanguageExtensionsError(messages.duplicateKey(producedKey));
        expanded[producedKey] = produced;
      }
    } else {
      if (Object.hasOwn(expanded, key)) throw new LanguageExtensionsError(messages.duplicateKey(key));
      expanded[key] = expand(value, bindings, values);
    }
  }
  return expanded;
}

/** The members one loop produces, in collection order; nested loops in its fragment expand with it. */
function forEach(spec: unknown, outer: Bindings, values: StaticValues): [string, unknown][] {
  if (!Array.isArray(spec) || spec.length !== 3) throw new LanguageExtensionsError(messages.forEachLayout);
  const [identifier, collection, fragment] = spec as [unknown, unknown, unknown];
  if (typeof identifier !== 'string' || identifier === '' || !isRecord(fragment)) {
    throw new LanguageExtensionsError(messages.forEachLayout);
  }
  const produced: [string, unknown][] = [];
  for (const item of items(collection, outer, values)) {
    const bindings = { ...outer, [identifier]: item };
    for (const [key, value] of Object.entries(fragment)) {
      if (key.startsWith(FOR_EACH_PREFIX)) produced.push(...forEach(value, bindings, values));
      else produced.push([substituteKey(key, bindings), expand(value, bindings, values)]);
    }
  }
  return produced;
}

/** A list as written, or an intrinsic that answers one (a Ref to a CommaDelimitedList, a mapping's list...). */
function items(collection: unknown, bindings: Bindings, values: StaticValues): string[] {
  if (typeof collection === 'string') throw new LanguageExtensionsError(messages.forEachLayout);
  const resolved = values.resolve(expand(collection, bindings, values));
  if (!Array.isArray(resolved)) throw new LanguageExtensionsError(messages.noCollection);
  return resolved.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new LanguageExtensionsError(messages.noCollection);
  });
}

/** An output key with the loops' items in place. */
function substituteKey(key: string, bindings: Bindings): string {
  return key.replace(PLACEHOLDER, (whole, form: string, name: string) => {
    const item = bindings[name];
    if (item === undefined || !Object.hasOwn(bindings, name)) return whole;
    return form === '&' ? item.replace(/[^0-9A-Za-z]/g, '') : item;
  });
}

/** The text of a Fn::Sub with `${Identifier}` filled in. */
function substituteSub(text: string, bindings: Bindings): string {
  return text.replace(PLACEHOLDER, (whole, form: string, name: string) =>
    form === '$' && Object.hasOwn(bindings, name) ? (bindings[name] as string) : whole,
  );
}

function expandSub(argument: unknown, bindings: Bindings, values: StaticValues): unknown {
  if (typeof argument === 'string') {
    const text = substituteSub(argument, bindings);
    return isConstantSub(text) ? text : { 'Fn::Sub': text };
  }
  if (Array.isArray(argument) && typeof argument[0] === 'string') {
    const text = substituteSub(argument[0], bindings);
    if (isConstantSub(text)) return text;
    return { 'Fn::Sub': [text, ...argument.slice(1).map((item) => expand(item, bindings, values))] };
  }
  return { 'Fn::Sub': expand(argument, bindings, values) };
}

/** Text with no variable left (`${!Literal}` is an escape Fn::Sub must still render). */
function isConstantSub(text: string): boolean {
  return !text.includes('${');
}

function expandFindInMap(argument: unknown, bindings: Bindings, values: StaticValues): unknown {
  const expanded = expand(argument, bindings, values);
  if (Array.isArray(expanded) && expanded.slice(0, 3).every((key) => typeof key === 'string')) {
    // Only the three keys: a DefaultValue is the engine's, which knows whether the key is missing.
    const found = values.resolve({ 'Fn::FindInMap': expanded.slice(0, 3) });
    if (found !== undefined) return found;
  }
  return { 'Fn::FindInMap': expanded };
}
