/**
 * UpdateExpression: SET (with if_not_exists, list_append, + and -), REMOVE, ADD and DELETE
 * sections over document paths, with DynamoDB's parse-time checks ranked as the service ranks them.
 */
import { type AttributeValue, LONG_TYPE_NAMES, typeOf } from './attribute-value.js';
import { type Path, pathClash } from './document-path.js';
import { MESSAGES } from './errors.js';
import { type ErrorSlot, ExpressionParser } from './lexer.js';
import type { ExpressionScope } from './scope.js';

export type UpdateValue =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; value: AttributeValue }
  | { kind: 'if_not_exists'; path: Path; fallback: UpdateValue }
  | { kind: 'list_append'; left: UpdateValue; right: UpdateValue }
  | { kind: '+' | '-'; left: UpdateValue; right: UpdateValue };

export type UpdateAction =
  | { action: 'SET'; path: Path; value: UpdateValue }
  | { action: 'REMOVE'; path: Path }
  | { action: 'ADD' | 'DELETE'; path: Path; value: AttributeValue };

export interface Update {
  readonly actions: readonly UpdateAction[];
  /**
   * From the legacy AttributeUpdates: ADD also appends lists, and type mismatches use that
   * API's wording.
   */
  readonly legacy?: boolean;
}

type Section = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

const SECTIONS: readonly Section[] = ['SET', 'REMOVE', 'ADD', 'DELETE'];
const CONDITION_FUNCTIONS = [
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
];
const ERROR_ORDER: readonly ErrorSlot[] = [
  'reserved',
  'unknownFunction',
  'section',
  'name',
  'value',
  'overlap',
  'conflict',
  'operand',
  'function',
];
const ALLOWED_OPERANDS: Record<'ADD' | 'DELETE', readonly string[]> = {
  ADD: ['N', 'SS', 'NS', 'BS'],
  DELETE: ['SS', 'NS', 'BS'],
};

class UpdateParser extends ExpressionParser {
  private readonly actions: UpdateAction[] = [];

  constructor(text: string, scope: ExpressionScope) {
    super(text, 'UpdateExpression', scope, SECTIONS);
  }

  parse(): Update {
    const seen = new Set<Section>();
    do {
      const section = SECTIONS.find((s) => this.isKeyword(s));
      if (section === undefined) throw this.syntaxError();
      if (seen.has(section)) this.record('section', MESSAGES.sectionTwice(section));
      seen.add(section);
      this.next();
      this.parseSection(section);
    } while (this.peek().kind !== 'eof');
    const clash = pathClash(this.actions.map((a) => a.path));
    if (clash.overlap !== undefined) this.record('overlap', clash.overlap);
    if (clash.conflict !== undefined) this.record('conflict', clash.conflict);
    this.throwRecorded(ERROR_ORDER);
    return { actions: this.actions };
  }

  private parseSection(section: Section): void {
    for (;;) {
      const path = this.parsePath('name');
      if (section === 'SET') {
        this.expectSymbol('=');
        this.actions.push({ action: 'SET', path, value: this.parseSetValue() });
      } else if (section === 'REMOVE') {
        this.actions.push({ action: 'REMOVE', path });
      } else {
        if (this.peek().kind !== 'value') throw this.syntaxError();
        // An undefined placeholder is reported as undefined, not as mistyped.
        const defined = this.scope.value(this.peek().text) !== undefined;
        const value = this.parseValue('value');
        const type = typeOf(value);
        if (defined && !ALLOWED_OPERANDS[section].includes(type)) {
          this.record('operand', MESSAGES.updateOperandType(section, LONG_TYPE_NAMES[type]));
        }
        this.actions.push({ action: section, path, value });
      }
      if (!this.isSymbol(',')) return;
      this.next();
    }
  }

  /** value := operand (('+' | '-') operand)? */
  private parseSetValue(): UpdateValue {
    const left = this.parseOperand();
    if (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.next().text as '+' | '-';
      const right = this.parseOperand();
      for (const side of [left, right]) {
        if (side.kind === 'value' && side.value.N === undefined) {
          this.record('function', MESSAGES.operandType(op, typeOf(side.value)));
        }
      }
      return { kind: op, left, right };
    }
    return left;
  }

  /** operand := '(' value ')' | function '(' args ')' | :value | path */
  private parseOperand(): UpdateValue {
    if (this.isSymbol('(')) {
      this.next();
      const inner = this.parseSetValue();
      this.expectSymbol(')');
      return inner;
    }
    const token = this.peek();
    if (token.kind === 'identifier' && !this.isKeywordToken(token) && this.isSymbol('(', 1)) {
      this.next();
      this.next();
      const args = [this.parseSetValue()];
      while (this.isSymbol(',')) {
        this.next();
        args.push(this.parseSetValue());
      }
      this.expectSymbol(')');
      return this.makeFunction(token.text, args);
    }
    if (token.kind === 'value') return { kind: 'value', value: this.parseValue('value') };
    return { kind: 'path', path: this.parsePath('name') };
  }

  private makeFunction(name: string, args: UpdateValue[]): UpdateValue {
    const [first, second] = args as [UpdateValue, UpdateValue | undefined];
    const placeholder: UpdateValue = first;
    if (CONDITION_FUNCTIONS.includes(name)) {
      this.record('unknownFunction', MESSAGES.functionNotAllowed(name, 'an update'));
      return placeholder;
    }
    if (name !== 'if_not_exists' && name !== 'list_append') {
      this.record('unknownFunction', MESSAGES.unknownFunction(name));
      return placeholder;
    }
    if (args.length !== 2 || second === undefined) {
      this.record('function', MESSAGES.operandCount(name, args.length));
      return placeholder;
    }
    if (name === 'if_not_exists') {
      if (first.kind !== 'path') {
        this.record('function', MESSAGES.requiresPath(name));
        return placeholder;
      }
      return { kind: 'if_not_exists', path: first.path, fallback: second };
    }
    for (const arg of args) {
      if (arg.kind === 'value' && arg.value.L === undefined) {
        this.record('function', MESSAGES.operandType(name, typeOf(arg.value)));
      }
    }
    return { kind: 'list_append', left: first, right: second };
  }
}

export function parseUpdate(expression: string, scope: ExpressionScope): Update {
  return new UpdateParser(expression, scope).parse();
}

/** The document paths an update writes or removes (for ReturnValues UPDATED_OLD/UPDATED_NEW). */
export function updatedPaths(update: Update): Path[] {
  return update.actions.map((action) => action.path);
}
