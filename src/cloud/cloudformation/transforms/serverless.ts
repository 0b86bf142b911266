/**
 * The `AWS::Serverless-2016-10-31` transform: Globals merged, policy templates expanded, then each
 * serverless resource replaced by what it stands for (functions first, as aws-sam-translator
 * orders them, since their events change other resources), references to `<Fn>.Alias`,
 * `<Fn>.Version` and renamed layers rewritten, and the Transform declaration removed. Every
 * problem found is reported at once, in the translator's words.
 */
import { isRecord } from '../template/types.js';
import { expandApplication } from './application.js';
import { SamDocumentError, SamGlobalsError, SamResourceError } from './errors.js';
import { expandFunction } from './function.js';
import { applyGlobals } from './globals.js';
import { expandLayer } from './layer.js';
import type { ParameterValues } from './parameter-refs.js';
import { expandPolicyTemplates } from './policies.js';
import { rewriteReferences } from './references.js';
import type { OutputResource, SamResource } from './resources.js';
import { expandSimpleTable } from './simple-table.js';

export const SERVERLESS_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** Serverless types the local cloud has no service for, with the service each needs. */
const UNSERVED_TYPES: Readonly<Record<string, string>> = {
  'AWS::Serverless::Api': 'Amazon API Gateway',
  'AWS::Serverless::HttpApi': 'Amazon API Gateway',
  'AWS::Serverless::WebSocketApi': 'Amazon API Gateway',
  'AWS::Serverless::StateMachine': 'AWS Step Functions',
  'AWS::Serverless::GraphQLApi': 'AWS AppSync',
  'AWS::Serverless::Connector': 'the resources it connects (not expanded by the lambda-tasks local cloud)',
  'AWS::Serverless::CapacityProvider': 'Lambda capacity providers',
};

const ATTRIBUTES = ['DependsOn', 'DeletionPolicy', 'UpdatePolicy', 'Condition', 'UpdateReplacePolicy', 'Metadata'];

/** Expands the serverless resources of `template` (a parsed template, changed in place). */
export function expandServerless(template: Record<string, unknown>, parameters: ParameterValues): void {
  try {
    applyGlobals(template);
  } catch (error) {
    if (error instanceof SamGlobalsError) throw new SamDocumentError([error]);
    throw error;
  }
  const input = template['Resources'];
  if (!isRecord(input))
    throw new SamDocumentError([
      new Error("Structure of the SAM template is invalid. 'Resources' section is required"),
    ]);
  // Events change resources of the input (S3 buckets); the output starts as a copy of it.
  const output: Record<string, unknown> = { ...input };
  const errors: Error[] = [];
  const properties = new Map<string, string>();
  const renamed = new Map<string, string>();
  const place = (resources: Record<string, OutputResource>) => Object.assign(output, resources);

  const serverless = Object.entries(input).filter(
    ([, declared]) =>
      isRecord(declared) && typeof declared['Type'] === 'string' && declared['Type'].startsWith('AWS::Serverless::'),
  );
  const functionsFirst = [
    ...serverless.filter(
      ([, declared]) => (declared as Record<string, unknown>)['Type'] === 'AWS::Serverless::Function',
    ),
    ...serverless.filter(
      ([, declared]) => (declared as Record<string, unknown>)['Type'] !== 'AWS::Serverless::Function',
    ),
  ];
  for (const [logicalId, declared] of functionsFirst) {
    const sam = samResource(logicalId, declared as Record<string, unknown>);
    try {
      delete output[logicalId];
      switch (sam.type) {
        case 'AWS::Serverless::Function': {
          expandPolicyTemplates(logicalId, sam.properties);
          const expanded = expandFunction(sam, input, parameters);
          place(expanded.resources);
          for (const [name, id] of Object.entries(expanded.references)) properties.set(`${logicalId}.${name}`, id);
          break;
        }
        case 'AWS::Serverless::LayerVersion': {
          const layer = expandLayer(sam, parameters);
          place({ [layer.logicalId]: layer.resource });
          renamed.set(logicalId, layer.logicalId);
          break;
        }
        case 'AWS::Serverless::SimpleTable':
          place({ [logicalId]: expandSimpleTable(sam) });
          break;
        case 'AWS::Serverless::Application':
          place({ [logicalId]: expandApplication(sam) });
          break;
        default: {
          const service = UNSERVED_TYPES[sam.type];
          throw new SamResourceError(
            logicalId,
            service
              ? `${sam.type} needs ${service}, which the lambda-tasks local cloud does not serve.`
              : `Invalid resource type '${sam.type}'.`,
          );
        }
      }
    } catch (error) {
      if (error instanceof SamResourceError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length) throw new SamDocumentError(errors);
  template['Resources'] = output;
  delete template['Transform'];
  rewriteReferences(template, { properties, renamed });
}

function samResource(logicalId: string, declared: Record<string, unknown>): SamResource {
  const attributes: Record<string, unknown> = {};
  for (const name of ATTRIBUTES) if (declared[name] !== undefined) attributes[name] = declared[name];
  return {
    logicalId,
    type: String(declared['Type']),
    properties: isRecord(declared['Properties']) ? structuredClone(declared['Properties']) : {},
    attributes,
  };
}
