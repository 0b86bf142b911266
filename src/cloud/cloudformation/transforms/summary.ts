/**
 * GetTemplateSummary and ValidateTemplate for a template with transforms: AWS describes the
 * expansion (its resource types, the IAM capabilities its generated roles need) and adds what the
 * transforms themselves mean: CAPABILITY_AUTO_EXPAND and the DeclaredTransforms of the original.
 */
import { checkedTemplate } from '../engine/deployment.js';
import { describeTemplate, type TemplateSummary } from '../template/index.js';
import { processTemplateBody, transformsOf } from './index.js';
import { LANGUAGE_EXTENSIONS } from './language-extensions.js';

export function describeTemplateBody(body: string, identity: { accountId: string; region: string }): TemplateSummary {
  const processed = processTemplateBody(body, { ...identity, stackName: '', stackId: '', parameters: [] });
  // Fn::Length and Fn::ToJsonString stay in the expansion for the engine to evaluate; they are
  // allowed because the original declares AWS::LanguageExtensions.
  const languageExtensions = transformsOf(body).includes(LANGUAGE_EXTENSIONS);
  const summary = describeTemplate(checkedTemplate(processed, { languageExtensions }));
  if (processed === body) return summary;
  const capabilities = summary.Capabilities ?? [];
  if (!capabilities.includes('CAPABILITY_AUTO_EXPAND'))
    summary.Capabilities = [...capabilities, 'CAPABILITY_AUTO_EXPAND'];
  summary.DeclaredTransforms = transformsOf(body);
  return summary;
}
