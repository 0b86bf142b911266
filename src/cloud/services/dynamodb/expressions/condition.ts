/**
 * ConditionExpression / FilterExpression (and the parse of KeyConditionExpression): the grammar
 * of the developer guide with AWS's precedence (comparisons, BETWEEN and IN bind tightest, then
 * NOT, AND, OR), parentheses, and DynamoDB's semantic checks ranked as the service ranks them.
 */
import { type AttributeValue, typeOf } from './attribute-value.js';
import { compareValues } from './compare.js';
import { formatPath, type Path } from './document-path.js';
import { type ExpressionKind, MESSAGES } from './errors.js';
import { type ErrorSlot, ExpressionParser } from './lexer.js';
import type { ExpressionScope } from './scope.js';

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Operand =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; value: AttributeValue }
  /** A function used as an operand: only `size` is valid there. */
  | { kind: 'call'; name: string; args: Operand[] };

export type FunctionName =
  | 'attribute_exists'
  | 'attribute_not_exists'
  | 'attribute_type'
  | 'begins_with'
  | 'contains'
  | 'size';

export type Condition =
  | { type: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { type: 'between'; operand: Operand; low: Operand; high: Operand }
  | { type: 'in'; operand: Operand; list: Operand[] }
  | { type: 'call'; name: FunctionName; args: Operand[] }
  | { type: 'and' | 'or'; left: Condition; right: Condition }
  | { type: 'not'; operand: Condition };

const COMPARATORS: readonly string[] = ['=', '<>', '<', '<=', '>', '>='];
const ARITY: Record<FunctionName, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};
const UPDATE_FUNCTIONS = ['if_not_exists', 'list_append'];
const TYPE_NAMES = ['S', 'N', 'B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'NS', 'M'];
const MAX_IN_OPERANDS = 100;
const ERROR_ORDER: readonly ErrorSlot[] = [
  'parens',
  'unknownFunction',
  'misusedFunction',
  'reserved',
  'placeholder',
  'operand',
  'distinct',
  'function',
];

function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(ARITY, name);
}

/** `AttributeValue: {S:abc}`, as BETWEEN errors print their bounds. */
function describeValue(value: AttributeValue): string {
  const type = typeOf(value);
  const raw = (value as unknown as Record<string, unknown>)[type];
  const shown = raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : String(raw);
  return `AttributeValue: {${type}:${shown}}`;
}

function samePath(a: Operand, b: Operand | undefined): boolean {
  return (
    a.kind === 'path' &&
    b?.kind === 'path' &&
    a.path.length === b.path.length &&
    a.path.every((step, i) => step === b.path[i])
  );
}

class ConditionParser extends ExpressionParser {
  /** Nodes written inside their own parentheses, to spot `((...))`. */
  private readonly parenthesized = new WeakSet<object>();

  constructor(text: string, kind: ExpressionKind, scope: ExpressionScope) {
    super(text, kind, scope, ['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
  }

  parse(): Condition {
    const condition = this.parseOr();
    this.expectEnd();
    if (condition.type === 'call' && condition.name === 'size')
      this.record('misusedFunction', MESSAGES.misusedFunction('size'));
    this.throwRecorded(ERROR_ORDER);
    return condition;
  }

  private parseOr(): Condition {
    let left = this.parseAnd();
    while (this.isKeyword('OR')) {
      this.next();
      left = { type: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Condition {
    let left = this.parseNot();
    while (this.isKeyword('AND')) {
      this.next();
      left = { type: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { type: 'not', operand: this.parseNot() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Condition {
    if (this.isSymbol('(')) {
      // Either a parenthesised condition or a comparison whose first operand is parenthesised.
      const start = this.pos;
      try {
        this.next();
        const inner = this.parseOr();
        this.expectSymbol(')');
        if (!this.startsComparison()) {
          if (this.parenthesized.has(inner)) this.record('parens', MESSAGES.redundantParens);
          this.parenthesized.add(inner);
          return inner;
        }
      } catch {
        // not a parenthesised condition: parse it as a comparison below
      }
      this.pos = start;
    }
    return this.parseComparison();
  }

  private startsComparison(): boolean {
    const token = this.peek();
    return (
      (token.kind === 'symbol' && COMPARATORS.includes(token.text)) || this.isKeyword('BETWEEN') || this.isKeyword('IN')
    );
  }

  private parseComparison(): Condition {
    const operand = this.parseOperand();
    const token = this.peek();
    if (token.kind === 'symbol' && COMPARATORS.includes(token.text)) {
      this.next();
      const right = this.parseOperand();
      this.checkComparisonOperands([operand, right]);
      if (samePath(operand, right))
        this.record('distinct', MESSAGES.distinct(token.text, formatPath((operand as { path: Path }).path)));
      return { type: 'compare', op: token.text as Comparator, left: operand, right };
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.parseOperand();
      if (!this.isKeyword('AND')) throw this.syntaxError();
      this.next();
      const high = this.parseOperand();
      this.checkComparisonOperands([operand, low, high]);
      this.checkBetweenBounds(low, high);
      return { type: 'between', operand, low, high };
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expectSymbol('(');
      const list = this.parseArguments();
      this.checkComparisonOperands([operand, ...list]);
      if (list.length > MAX_IN_OPERANDS) this.record('operand', MESSAGES.tooManyInOperands(list.length));
      return { type: 'in', operand, list };
    }
    if (operand.kind === 'call') {
      // An unknown name was recorded by checkFunction and is thrown before evaluation.
      return { type: 'call', name: operand.name as FunctionName, args: operand.args };
    }
    throw this.syntaxError();
  }

  /** Operands of comparisons may be paths, values or size(); other functions are misused there. */
  private checkComparisonOperands(operands: Operand[]): void {
    for (const operand of operands) {
      if (operand.kind === 'call' && operand.name !== 'size') {
        this.record('misusedFunction', MESSAGES.misusedFunction(operand.name));
      }
    }
  }

  private checkBetweenBounds(low: Operand, high: Operand): void {
    if (low.kind !== 'value' || high.kind !== 'value') return;
    const lowType = typeOf(low.value);
    const highType = typeOf(high.value);
    if (lowType !== highType) {
      this.record('function', MESSAGES.betweenTypes(describeValue(low.value), describeValue(high.value)));
    } else if ((compareValues(low.value, high.value) ?? 0) > 0) {
      this.record('function', MESSAGES.betweenOrder(describeValue(low.value), describeValue(high.value)));
    }
  }

  /** operand := '(' operand ')' | function '(' args ')' | :value | path */
  private parseOperand(): Operand {
    if (this.isSymbol('(')) {
      this.next();
      const inner = this.parseOperand();
      this.expectSymbol(')');
      if (this.parenthesized.has(inner)) this.record('parens', MESSAGES.redundantParens);
      this.parenthesized.add(inner);
      return inner;
    }
    const token = this.peek();
    if (token.kind === 'identifier' && !this.isKeywordToken(token) && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const args = this.parseArguments();
      return this.checkFunction(token.text, args);
    }
    if (token.kind === 'value') return { kind: 'value', value: this.parseValue() };
    return { kind: 'path', path: this.parsePath() };
  }

  /** args := operand (',' operand)* ')' */
  private parseArguments(): Operand[] {
    const args = [this.parseOperand()];
    while (this.isSymbol(',')) {
      this.next();
      args.push(this.parseOperand());
    }
    this.expectSymbol(')');
    return args;
  }

  private checkFunction(name: string, args: Operand[]): Operand {
    const call: Operand = { kind: 'call', name, args };
    if (UPDATE_FUNCTIONS.includes(name)) {
      this.record('unknownFunction', MESSAGES.functionNotAllowed(name, 'a condition'));
      return call;
    }
    if (!isFunctionName(name)) {
      this.record('unknownFunction', MESSAGES.unknownFunction(name));
      return call;
    }
    for (const arg of args) {
      if (arg.kind === 'call' && arg.name !== 'size')
        this.record('misusedFunction', MESSAGES.misusedFunction(arg.name));
    }
    if (args.length !== ARITY[name]) {
      this.record('operand', MESSAGES.operandCount(name, args.length));
      return call;
    }
    const [first, second] = args as [Operand, Operand | undefined];
    if (samePath(first, second))
      this.record('distinct', MESSAGES.distinct(name, formatPath((first as { path: Path }).path)));
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        if (first.kind !== 'path') this.record('function', MESSAGES.requiresPath(name));
        break;
      case 'begins_with':
        for (const arg of args) {
          const type = arg.kind === 'value' ? typeOf(arg.value) : undefined;
          if (type !== undefined && type !== 'S' && type !== 'B')
            this.record('function', MESSAGES.operandType(name, type));
        }
        break;
      case 'attribute_type': {
        const type = second?.kind === 'value' ? typeOf(second.value) : undefined;
        if (type !== 'S') {
          this.record('function', MESSAGES.operandType(name, type ?? '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}'));
        } else if (second?.kind === 'value' && !TYPE_NAMES.includes(second.value.S ?? '')) {
          this.record('function', MESSAGES.invalidTypeName(second.value.S ?? ''));
        }
        break;
      }
      case 'size': {
        const type = first.kind === 'value' ? typeOf(first.value) : undefined;
        if (type === 'N' || type === 'BOOL' || type === 'NULL')
          this.record('function', MESSAGES.operandType(name, type));
        break;
      }
      case 'contains':
        break;
    }
    return call;
  }
}

export function parseCondition(
  expression: string,
  scope: ExpressionScope,
  kind: 'ConditionExpression' | 'FilterExpression' | 'KeyConditionExpression',
): Condition {
  return new ConditionParser(expression, kind, scope).parse();
}
