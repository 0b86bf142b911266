/**
 * `AWS::Serverless::LayerVersion` -> `AWS::Lambda::LayerVersion` under a new logical id: the SAM id
 * plus the hash of the resource as written (so changed content publishes a new version while the
 * old one is kept: DeletionPolicy Retain unless RetentionPolicy says Delete). LayerName defaults
 * to the SAM logical id so the layer's ARN stays the same across versions.
 */
import { isRecord } from '../template/types.js';
import { SamResourceError } from './errors.js';
import { pythonList } from './globals.js';
import { generatedLogicalId } from './logical-id.js';
import { isIntrinsic, type ParameterValues, resolveParameterRefs } from './parameter-refs.js';
import { type OutputResource, passThroughAttributes, resource, type SamResource, s3Location } from './resources.js';

const RETENTION = ['Retain', 'Delete'];

export function expandLayer(
  layer: SamResource,
  parameters: ParameterValues,
): { logicalId: string; resource: OutputResource } {
  const id = layer.logicalId;
  const p = { ...layer.properties };
  if (p['ContentUri'] === undefined) throw new SamResourceError(id, "Missing required property 'ContentUri'.");
  for (const name of ['LayerName', 'LicenseInfo', 'Description', 'RetentionPolicy']) {
    if (p[name] !== undefined) p[name] = resolveString(p[name], parameters);
  }
  const attributes = passThroughAttributes(layer);
  attributes['DeletionPolicy'] ??= 'Retain';
  const retention = retentionPolicy(id, p['RetentionPolicy']);
  if (retention !== undefined) attributes['DeletionPolicy'] = retention;

  // The hash covers the resource as written (Globals merged, strings resolved), not the attributes
  // SAM passes through.
  const hashed: Record<string, unknown> = { Type: layer.type };
  for (const [name, value] of Object.entries(layer.attributes)) {
    if (!['DeletionPolicy', 'UpdateReplacePolicy', 'Metadata'].includes(name) && value !== undefined)
      hashed[name] = value;
  }
  hashed['Properties'] = Object.fromEntries(Object.entries(p).filter(([, value]) => value !== undefined));
  const logicalId = generatedLogicalId(id, { [id]: hashed });

  const architectures = p['CompatibleArchitectures'];
  if (Array.isArray(architectures)) {
    for (const architecture of architectures) {
      if (!isIntrinsic(architecture) && architecture !== 'x86_64' && architecture !== 'arm64') {
        throw new SamResourceError(logicalId, "CompatibleArchitectures needs to be a list of 'x86_64' or 'arm64'");
      }
    }
  }
  const dependsOn = layer.attributes['DependsOn'];
  return {
    logicalId,
    resource: resource(
      'AWS::Lambda::LayerVersion',
      {
        LayerName: p['LayerName'] ?? id,
        Description: p['Description'],
        Content: s3Location(logicalId, 'ContentUri', p['ContentUri']),
        CompatibleArchitectures: architectures,
        CompatibleRuntimes: p['CompatibleRuntimes'],
        LicenseInfo: p['LicenseInfo'],
      },
      dependsOn === undefined ? attributes : { DependsOn: dependsOn, ...attributes },
    ),
  };
}

function resolveString(value: unknown, parameters: ParameterValues): unknown {
  const resolved = resolveParameterRefs(value, parameters);
  return typeof resolved === 'string' ? resolved : value;
}

function retentionPolicy(id: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (isIntrinsic(value) || isRecord(value)) {
    throw new SamResourceError(
      id,
      `'RetentionPolicy' does not accept intrinsic functions, please use one of the following options: ${pythonList(RETENTION)}`,
    );
  }
  if (typeof value !== 'string') {
    throw new SamResourceError(
      id,
      `Invalid 'RetentionPolicy' type, please use one of the following options: ${pythonList(RETENTION)}`,
    );
  }
  const match = RETENTION.find((option) => option.toLowerCase() === value.toLowerCase());
  if (!match) {
    throw new SamResourceError(id, `'RetentionPolicy' must be one of the following options: ${pythonList(RETENTION)}.`);
  }
  return match;
}
