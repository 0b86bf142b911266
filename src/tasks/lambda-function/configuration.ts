/**
 * Which configuration members differ between what a step asks for and what the function has:
 * each given member compared with GetFunctionConfiguration's, with AWS's defaults filled in on
 * both sides (Timeout 3, MemorySize 128, Description '', TracingConfig PassThrough ...), so
 * "not set" and "set to the default" are the same. Members a step does not give are left alone.
 * Pure: no calls, tested on data.
 */
import type { FunctionConfiguration, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import type { Configuration } from './params.js';

export interface ConfigDifference {
  /** The SDK member (`Timeout`, `Environment`); `Architectures` is changed through UpdateFunctionCode. */
  member: keyof Configuration;
  /** "Timeout: 3 -> 10". Environment values are not shown (they are often secrets), only keys. */
  text: string;
}

const DEFAULTS = {
  Timeout: 3,
  MemorySize: 128,
  EphemeralStorage: 512,
  Architectures: ['x86_64'],
  TracingMode: 'PassThrough',
  LogFormat: 'Text',
};

function show(value: unknown): string {
  if (value === undefined || value === '') return '(none)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return String(value);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sorted(list: readonly string[] | undefined): string[] {
  return [...(list ?? [])].sort();
}

/** Added, removed and changed keys of a map, values hidden: "+NEW, ~CHANGED, -OLD". */
function mapChanges(before: Record<string, string>, after: Record<string, string>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .flatMap((k) => {
      if (!(k in before)) return [`+${k}`];
      if (!(k in after)) return [`-${k}`];
      return before[k] === after[k] ? [] : [`~${k}`];
    })
    .join(', ');
}

export function diffConfiguration(wanted: Configuration, current: FunctionConfiguration): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const scalar = (member: keyof Configuration, after: unknown, before: unknown) => {
    if (after !== undefined && after !== before)
      out.push({ member, text: `${member}: ${show(before)} -> ${show(after)}` });
  };
  scalar('Runtime', wanted.Runtime, current.Runtime);
  scalar('Handler', wanted.Handler, current.Handler);
  scalar('Role', wanted.Role, current.Role);
  scalar('Timeout', wanted.Timeout, current.Timeout ?? DEFAULTS.Timeout);
  scalar('MemorySize', wanted.MemorySize, current.MemorySize ?? DEFAULTS.MemorySize);
  scalar('Description', wanted.Description, current.Description ?? '');
  scalar('KMSKeyArn', wanted.KMSKeyArn, current.KMSKeyArn ?? '');

  if (wanted.Environment) {
    const changes = mapChanges(current.Environment?.Variables ?? {}, wanted.Environment.Variables ?? {});
    if (changes) out.push({ member: 'Environment', text: `Environment.Variables: ${changes}` });
  }
  if (wanted.Layers) {
    const before = (current.Layers ?? []).map((l) => l.Arn ?? '');
    if (!sameList(before, wanted.Layers))
      out.push({ member: 'Layers', text: `Layers: ${show(before)} -> ${show(wanted.Layers)}` });
  }
  if (wanted.Architectures) {
    const before = current.Architectures ?? DEFAULTS.Architectures;
    if (!sameList(before, wanted.Architectures)) {
      out.push({ member: 'Architectures', text: `Architectures: ${show(before)} -> ${show(wanted.Architectures)}` });
    }
  }
  if (wanted.EphemeralStorage?.Size !== undefined) {
    const before = current.EphemeralStorage?.Size ?? DEFAULTS.EphemeralStorage;
    if (before !== wanted.EphemeralStorage.Size) {
      out.push({
        member: 'EphemeralStorage',
        text: `EphemeralStorage.Size: ${before} -> ${wanted.EphemeralStorage.Size}`,
      });
    }
  }
  if (wanted.DeadLetterConfig) {
    const before = current.DeadLetterConfig?.TargetArn ?? '';
    const after = wanted.DeadLetterConfig.TargetArn ?? '';
    if (before !== after)
      out.push({ member: 'DeadLetterConfig', text: `DeadLetterConfig.TargetArn: ${show(before)} -> ${show(after)}` });
  }
  if (wanted.TracingConfig?.Mode) {
    const before = current.TracingConfig?.Mode ?? DEFAULTS.TracingMode;
    if (before !== wanted.TracingConfig.Mode) {
      out.push({ member: 'TracingConfig', text: `TracingConfig.Mode: ${before} -> ${wanted.TracingConfig.Mode}` });
    }
  }
  if (wanted.LoggingConfig) {
    const name = current.FunctionName ?? '';
    const before = {
      LogFormat: current.LoggingConfig?.LogFormat ?? DEFAULTS.LogFormat,
      ApplicationLogLevel: current.LoggingConfig?.ApplicationLogLevel,
      SystemLogLevel: current.LoggingConfig?.SystemLogLevel,
      LogGroup: current.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`,
    };
    const texts = (['LogFormat', 'ApplicationLogLevel', 'SystemLogLevel', 'LogGroup'] as const).flatMap((k) => {
      const after = wanted.LoggingConfig?.[k];
      return after !== undefined && after !== before[k] ? [`LoggingConfig.${k}: ${show(before[k])} -> ${after}`] : [];
    });
    if (texts.length) out.push({ member: 'LoggingConfig', text: texts.join(', ') });
  }
  if (wanted.VpcConfig) {
    const texts: string[] = [];
    const lists = [
      ['SubnetIds', wanted.VpcConfig.SubnetIds, current.VpcConfig?.SubnetIds],
      ['SecurityGroupIds', wanted.VpcConfig.SecurityGroupIds, current.VpcConfig?.SecurityGroupIds],
    ] as const;
    for (const [key, after, before] of lists) {
      if (after !== undefined && !sameList(sorted(after), sorted(before))) {
        texts.push(`VpcConfig.${key}: ${show(sorted(before))} -> ${show(sorted(after))}`);
      }
    }
    const ipv6 = wanted.VpcConfig.Ipv6AllowedForDualStack;
    const ipv6Before = current.VpcConfig?.Ipv6AllowedForDualStack ?? false;
    if (ipv6 !== undefined && ipv6 !== ipv6Before)
      texts.push(`VpcConfig.Ipv6AllowedForDualStack: ${ipv6Before} -> ${ipv6}`);
    if (texts.length) out.push({ member: 'VpcConfig', text: texts.join(', ') });
  }
  return out;
}

/**
 * UpdateFunctionConfiguration's members for the differences (Architectures excluded: it goes with
 * the code). LoggingConfig is sent whole, the given fields over the current ones, so fields a step
 * does not name keep their value.
 */
export function configurationUpdate(
  wanted: Configuration,
  current: FunctionConfiguration,
  differences: readonly ConfigDifference[],
): Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> {
  const update: Record<string, unknown> = {};
  for (const { member } of differences) {
    if (member === 'Architectures') continue;
    if (member === 'LoggingConfig') update[member] = { ...current.LoggingConfig, ...wanted.LoggingConfig };
    else update[member] = wanted[member];
  }
  return update;
}
