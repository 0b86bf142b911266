/**
 * The `AWS::LanguageExtensions` transform: `Fn::ForEach` loops expanded in the Conditions,
 * Resources and Outputs sections (for-each.ts), intrinsic DeletionPolicy and UpdateReplacePolicy
 * resolved (resource-policies.ts), and a `Condition` member a loop builds with `Fn::Sub` resolved
 * to the condition's name. It runs before AWS::Serverless-2016-10-31 when both are declared, as
 * AWS requires them listed. `Fn::Length`, `Fn::ToJsonString` and `Fn::FindInMap`'s DefaultValue
 * stay in the processed template: the engine evaluates them (it is told the transform was
 * declared), with the stack's values.
 */
import { isRecord } from '../template/types.js';
import { LanguageExtensionsError, languageExtensionsMessages as messages } from './errors.js';
import { expandForEach } from './for-each.js';
import { resolveResourcePolicies } from './resource-policies.js';
import { type StaticValues, staticValues } from './static-values.js';

export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

/** The sections Fn::ForEach may appear in; conditions first, as resources and outputs name them. */
const LOOP_SECTIONS = ['Conditions', 'Resources', 'Outputs'] as const;

export function expandLanguageExtensions(template: Record<string, unknown>, parameters: Record<string, unknown>): void {
  const values = staticValues(template, parameters);
  for (const section of LOOP_SECTIONS) {
    if (template[section] !== undefined) template[section] = expandForEach(template[section], values);
  }
  resolveConditionMembers(template, values);
  resolveResourcePolicies(template['Resources'], values);
}

/**
 * A resource's or output's `Condition` takes a name, never a function: one that a loop built
 * (`Condition: !Sub 'Is${Item}'`, a mapping lookup) resolves to the name here, and must name a
 * declared condition.
 */
function resolveConditionMembers(template: Record<string, unknown>, values: StaticValues): void {
  const conditions = isRecord(template['Conditions']) ? template['Conditions'] : {};
  for (const section of ['Resources', 'Outputs'] as const) {
    const members = template[section];
    if (!isRecord(members)) continue;
    for (const member of Object.values(members)) {
      if (!isRecord(member) || member['Condition'] === undefined || typeof member['Condition'] === 'string') continue;
      const name = values.resolve(member['Condition']);
      if (typeof name !== 'string') continue;
      if (!Object.hasOwn(conditions, name)) throw new LanguageExtensionsError(messages.missingCondition(name));
      member['Condition'] = name;
    }
  }
}
