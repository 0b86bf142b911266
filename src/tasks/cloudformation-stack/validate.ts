/** `validate`: ValidateTemplate, reporting the template's parameters and required capabilities. */
import { ValidateTemplateCommand, type ValidateTemplateOutput } from '@aws-sdk/client-cloudformation';
import { PipelineError } from '../../pipeline/errors.js';
import { awsFailure, isAwsError } from '../aws-errors.js';
import type { ActionContext, ActionResult } from '../task.js';
import type { ValidateParams } from './params.js';
import { resolveTemplate } from './template.js';

export async function validateTemplate(params: ValidateParams, ctx: ActionContext): Promise<ActionResult> {
  const template = await resolveTemplate(params, ctx);
  if ('UsePreviousTemplate' in template) {
    throw new PipelineError('InvalidPipeline', 'validate needs a template: templateFile, templateBody or templateUrl.');
  }
  let out: ValidateTemplateOutput;
  try {
    out = await ctx.aws.cloudFormation().send(new ValidateTemplateCommand(template), { abortSignal: ctx.signal });
  } catch (error) {
    if (isAwsError(error, 'ValidationError')) {
      throw new PipelineError('ActionFailed', `The template is not valid: ${error.message}`, { cause: error });
    }
    throw awsFailure(error, 'ValidateTemplate');
  }
  const parameters = out.Parameters ?? [];
  for (const p of parameters) {
    const notes = [
      p.DefaultValue !== undefined ? `default ${p.NoEcho ? '****' : JSON.stringify(p.DefaultValue)}` : 'required',
      ...(p.NoEcho ? ['NoEcho'] : []),
    ];
    ctx.emit({ type: 'info', message: `parameter ${p.ParameterKey}: ${notes.join(', ')}` });
  }
  const capabilities = out.Capabilities ?? [];
  if (capabilities.length) {
    ctx.emit({
      type: 'info',
      message: `requires capabilities [${capabilities.join(', ')}]${out.CapabilitiesReason ? `: ${out.CapabilitiesReason}` : ''}`,
    });
  }
  return {
    outputs: {
      description: out.Description ?? '',
      parameters: parameters.map((p) => p.ParameterKey ?? '').join(','),
      capabilities: capabilities.join(','),
    },
    changed: false,
    summary: `template valid: ${parameters.length} parameter${parameters.length === 1 ? '' : 's'}${capabilities.length ? `, needs ${capabilities.join(', ')}` : ''}`,
  };
}
