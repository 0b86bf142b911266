/** DynamoDB's ValidationException texts for expressions, kept as data beside the code that raises them. */
import { AwsError } from '../../../errors.js';

export type ExpressionKind =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'UpdateExpression'
  | 'ProjectionExpression';

export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** `Invalid <Kind>: <detail>`, the prefix every parse-time expression error carries. */
export function invalidExpression(kind: ExpressionKind, detail: string): AwsError {
  return validationError(`Invalid ${kind}: ${detail}`);
}

export const MESSAGES = {
  empty: 'The expression can not be empty;',
  syntax: (token: string, near: string) => `Syntax error; token: "${token}", near: "${near}"`,
  reserved: (name: string) => `Attribute name is a reserved keyword; reserved keyword: ${name}`,
  undefinedName: (name: string) =>
    `An expression attribute name used in the document path is not defined; attribute name: ${name}`,
  undefinedValue: (name: string) =>
    `An expression attribute value used in expression is not defined; attribute value: ${name}`,
  unknownFunction: (name: string) => `Invalid function name; function: ${name}`,
  misusedFunction: (name: string) =>
    `The function is not allowed to be used this way in an expression; function: ${name}`,
  functionNotAllowed: (name: string, where: 'a condition' | 'an update') =>
    `The function is not allowed in ${where} expression; function: ${name}`,
  operandCount: (name: string, count: number) =>
    `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`,
  operandType: (name: string, type: string) =>
    `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
  updateOperandType: (operator: 'ADD' | 'DELETE', type: string) =>
    `Incorrect operand type for operator or function; operator: ${operator}, operand type: ${type}, typeSet: ALLOWED_FOR_${operator}_OPERAND`,
  requiresPath: (name: string) => `Operator or function requires a document path; operator or function: ${name}`,
  distinct: (operator: string, path: string) =>
    `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${path}`,
  invalidTypeName: (name: string) =>
    `Invalid attribute type name found; type: ${name}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
  redundantParens: 'The expression has redundant parentheses;',
  tooManyInOperands: (count: number) =>
    `The IN operator is provided with too many operands; number of operands: ${count}`,
  betweenTypes: (low: string, high: string) =>
    `The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: ${low}, upper bound operand: ${high}`,
  betweenOrder: (low: string, high: string) =>
    `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: ${low}, upper bound operand: ${high}`,
  sectionTwice: (section: string) => `The "${section}" section can only be used once in an update expression;`,
  pathsOverlap: (one: string, two: string) =>
    `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
  pathsConflict: (one: string, two: string) =>
    `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
  /** Runtime update errors (no `Invalid UpdateExpression:` prefix). */
  incorrectDataType: 'An operand in the update expression has an incorrect data type',
  invalidDocumentPath: 'The document path provided in the update expression is invalid for update',
  missingAttribute: 'The provided expression refers to an attribute that does not exist in the item',
  keyUpdate: (name: string) =>
    `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`,
} as const;
