/**
 * The shape of a CloudFormation template after parsing. `parseTemplate` only guarantees a JSON
 * object; `validateTemplate` checks the rest, after which these types hold. Values inside
 * properties are left as `unknown`: they are plain JSON (strings, numbers, booleans, lists,
 * objects) where intrinsic functions are one-key objects such as `{ "Fn::GetAtt": ["Fn", "Arn"] }`.
 */

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, ParameterDecl>;
  /** Map name -> top-level key -> second-level key -> string or list. */
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  /** Condition name -> condition function (`Fn::Equals`, `Fn::And`, ...). */
  Conditions?: Record<string, unknown>;
  /** A macro name or a list of them (`AWS::Serverless-2016-10-31`, `AWS::LanguageExtensions`...). */
  Transform?: unknown;
  Resources: Record<string, ResourceDecl>;
  Outputs?: Record<string, OutputDecl>;
  Rules?: Record<string, unknown>;
}

export interface ResourceDecl {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
  CreationPolicy?: unknown;
  UpdatePolicy?: unknown;
}

export interface OutputDecl {
  Value: unknown;
  Description?: unknown;
  Export?: { Name: unknown };
  Condition?: string;
}

/** Numbers and booleans are allowed where AWS takes strings: templates write `Default: 3`. */
export type Scalar = string | number | boolean;

export interface ParameterDecl {
  Type: string;
  Default?: Scalar | Scalar[];
  AllowedValues?: Scalar[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  NoEcho?: boolean | string;
  Description?: string;
  ConstraintDescription?: string;
}

/** One entry of the `Parameters` member of CreateStack, UpdateStack and CreateChangeSet. */
export interface GivenParameter {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `__proto__` is an ordinary key in a template, not a prototype to replace. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
