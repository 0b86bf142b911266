/**
 * References the transform rewrites once everything is expanded: `<Fn>.Alias` and `<Fn>.Version`
 * (in Ref, Fn::GetAtt and Fn::Sub) become the generated alias and version, and references to a
 * resource whose logical id changed (a layer gets a hashed id) follow it, DependsOn included.
 */
import { isRecord } from '../template/types.js';

export interface ReferenceRewrites {
  /** `Fn.Alias` -> `FnAliaslive`, `Fn.Version` -> `FnVersion1a2b3c4d5e`. */
  properties: ReadonlyMap<string, string>;
  /** Old logical id -> new logical id. */
  renamed: ReadonlyMap<string, string>;
}

export function rewriteReferences(template: Record<string, unknown>, rewrites: ReferenceRewrites): void {
  if (rewrites.properties.size === 0 && rewrites.renamed.size === 0) return;
  const resources = isRecord(template['Resources']) ? template['Resources'] : {};
  for (const declared of Object.values(resources)) {
    if (!isRecord(declared)) continue;
    const dependsOn = declared['DependsOn'];
    if (typeof dependsOn === 'string') declared['DependsOn'] = rewrites.renamed.get(dependsOn) ?? dependsOn;
    else if (Array.isArray(dependsOn)) {
      declared['DependsOn'] = dependsOn.map((id) => (typeof id === 'string' ? (rewrites.renamed.get(id) ?? id) : id));
    }
  }
  for (const section of ['Resources', 'Outputs', 'Conditions']) {
    if (template[section] !== undefined) template[section] = rewrite(template[section], rewrites);
  }
}

function rewrite(node: unknown, rewrites: ReferenceRewrites): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, rewrites));
  if (!isRecord(node)) return node;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const target = (name: string) => rewrites.properties.get(name) ?? rewrites.renamed.get(name);
    const value = node[keys[0] as string];
    if (keys[0] === 'Ref' && typeof value === 'string') return { Ref: target(value) ?? value };
    if (keys[0] === 'Fn::GetAtt') return { 'Fn::GetAtt': rewriteGetAtt(value, rewrites, target) };
    if (keys[0] === 'Fn::Sub') return { 'Fn::Sub': rewriteSub(value, rewrites, target) };
  }
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, rewrite(item, rewrites)]));
}

/** `[Fn, Alias.Arn]` or `Fn.Alias.Arn` naming a SAM property resolves to `[FnAliaslive, Arn]`. */
function rewriteGetAtt(value: unknown, rewrites: ReferenceRewrites, target: (name: string) => string | undefined) {
  const parts =
    typeof value === 'string'
      ? value.split('.')
      : Array.isArray(value) && value.every((part) => typeof part === 'string')
        ? (value as string[]).join('.').split('.')
        : undefined;
  if (!parts || parts.length < 2) return rewrite(value, rewrites);
  const [resourceId, property, ...rest] = parts as [string, string, ...string[]];
  const samProperty = rewrites.properties.get(`${resourceId}.${property}`);
  if (samProperty && rest.length) return [samProperty, rest.join('.')];
  const renamed = rewrites.renamed.get(resourceId);
  if (renamed && Array.isArray(value)) return [renamed, ...value.slice(1)];
  if (renamed) return `${renamed}.${[property, ...rest].join('.')}`;
  return target(resourceId) && typeof value === 'string' ? value : rewrite(value, rewrites);
}

function rewriteSub(value: unknown, rewrites: ReferenceRewrites, target: (name: string) => string | undefined) {
  const replace = (text: string) =>
    text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => {
      const parts = name.split('.');
      const samProperty = parts.length >= 2 ? rewrites.properties.get(`${parts[0]}.${parts[1]}`) : undefined;
      if (samProperty) return `\${${[samProperty, ...parts.slice(2)].join('.')}}`;
      const renamed = parts[0] !== undefined ? target(parts[0]) : undefined;
      return renamed ? `\${${[renamed, ...parts.slice(1)].join('.')}}` : whole;
    });
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value) && typeof value[0] === 'string') {
    return [replace(value[0]), ...value.slice(1).map((item) => rewrite(item, rewrites))];
  }
  return rewrite(value, rewrites);
}
