/**
 * The tokenizer and parser base every expression grammar shares: tokens with their source
 * positions (for AWS's `near: "..."` excerpts), document paths, placeholders, and DynamoDB's
 * error precedence (the first error of the highest-ranked kind wins, not the first seen).
 */
import type { AwsError } from '../../../errors.js';
import type { AttributeValue } from './attribute-value.js';
import type { Path } from './document-path.js';
import { type ExpressionKind, invalidExpression, MESSAGES } from './errors.js';
import { isReservedWord } from './reserved-words.js';
import type { ExpressionScope } from './scope.js';

export type TokenKind = 'identifier' | 'name' | 'value' | 'number' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const SYMBOLS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-'];
const WORD_PART = /[A-Za-z0-9_]/;

function isWordPart(ch: string | undefined): boolean {
  return ch !== undefined && WORD_PART.test(ch);
}

/** Splits an expression into tokens; an unexpected character is a syntax error. */
export function tokenize(text: string, kind: ExpressionKind): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    let tokenKind: TokenKind | undefined;
    if (symbol !== undefined) {
      i += symbol.length;
      tokenKind = 'symbol';
    } else if (/[A-Za-z]/.test(ch)) {
      while (isWordPart(text[i])) i++;
      tokenKind = 'identifier';
    } else if (/[0-9]/.test(ch)) {
      while (/[0-9]/.test(text.charAt(i))) i++;
      tokenKind = 'number';
    } else if ((ch === '#' || ch === ':') && isWordPart(text[i + 1])) {
      i++;
      while (isWordPart(text[i])) i++;
      tokenKind = ch === '#' ? 'name' : 'value';
    }
    if (tokenKind === undefined) {
      // DynamoDB quotes the bad character and the text from the previous token to just past it.
      const previous = tokens.at(-1);
      const near = text.slice(previous?.start ?? start, start + 2);
      throw invalidExpression(kind, MESSAGES.syntax(ch, near));
    }
    tokens.push({ kind: tokenKind, text: text.slice(start, i), start, end: i });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: text.length, end: text.length });
  return tokens;
}

/** Semantic error kinds, each grammar ranks them; syntax errors are thrown at once instead. */
export type ErrorSlot =
  | 'parens'
  | 'unknownFunction'
  | 'misusedFunction'
  | 'reserved'
  | 'section'
  | 'placeholder'
  | 'name'
  | 'value'
  | 'operand'
  | 'distinct'
  | 'function'
  | 'overlap'
  | 'conflict';

export abstract class ExpressionParser {
  protected readonly tokens: Token[];
  protected pos = 0;
  private readonly errors = new Map<ErrorSlot, string>();

  constructor(
    protected readonly text: string,
    protected readonly kind: ExpressionKind,
    protected readonly scope: ExpressionScope,
    /** Words that end a path here (AND/OR/... in conditions, SET/REMOVE/... in updates). */
    private readonly keywords: readonly string[],
  ) {
    if (text.trim() === '') throw invalidExpression(kind, MESSAGES.empty);
    this.tokens = tokenize(text, kind);
  }

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  protected isSymbol(symbol: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'symbol' && token.text === symbol;
  }

  protected isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'identifier' && token.text.toUpperCase() === word;
  }

  protected expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) throw this.syntaxError();
    this.next();
  }

  protected expectEnd(): void {
    if (this.peek().kind !== 'eof') throw this.syntaxError();
  }

  /** `Syntax error; token: "<t>", near: "<previous token .. t>"` at the current token. */
  protected syntaxError(): AwsError {
    const token = this.peek();
    const previous = this.pos > 0 ? this.tokens[this.pos - 1] : undefined;
    const near =
      token.kind === 'eof' ? (previous?.text ?? '') : this.text.slice(previous?.start ?? token.start, token.end);
    return invalidExpression(this.kind, MESSAGES.syntax(token.text, near));
  }

  /** Records a semantic error; only the first of each kind is kept. */
  protected record(slot: ErrorSlot, message: string): void {
    if (!this.errors.has(slot)) this.errors.set(slot, message);
  }

  /** Throws the highest-ranked recorded error. */
  protected throwRecorded(order: readonly ErrorSlot[]): void {
    for (const slot of order) {
      const message = this.errors.get(slot);
      if (message !== undefined) throw invalidExpression(this.kind, message);
    }
  }

  protected isKeywordToken(token: Token): boolean {
    return token.kind === 'identifier' && this.keywords.includes(token.text.toUpperCase());
  }

  /** One path element: a bare name (not reserved) or a #placeholder. */
  private pathName(nameSlot: ErrorSlot): string {
    const token = this.peek();
    if (token.kind === 'identifier' && !this.isKeywordToken(token)) {
      this.next();
      if (isReservedWord(token.text)) this.record('reserved', MESSAGES.reserved(token.text));
      return token.text;
    }
    if (token.kind === 'name') {
      this.next();
      const name = this.scope.name(token.text);
      if (name === undefined) this.record(nameSlot, MESSAGES.undefinedName(token.text));
      return name ?? token.text;
    }
    throw this.syntaxError();
  }

  /** path := name ('.' name | '[' digits ']')* */
  protected parsePath(nameSlot: ErrorSlot = 'placeholder'): Path {
    const path: (string | number)[] = [this.pathName(nameSlot)];
    for (;;) {
      if (this.isSymbol('.')) {
        this.next();
        path.push(this.pathName(nameSlot));
      } else if (this.isSymbol('[')) {
        this.next();
        const index = this.peek();
        if (index.kind !== 'number') throw this.syntaxError();
        this.next();
        this.expectSymbol(']');
        path.push(Number(index.text));
      } else {
        return path;
      }
    }
  }

  /** A :placeholder's value; an undefined one is recorded and stands in as NULL. */
  protected parseValue(valueSlot: ErrorSlot = 'placeholder'): AttributeValue {
    const token = this.next();
    const value = this.scope.value(token.text);
    if (value === undefined) {
      this.record(valueSlot, MESSAGES.undefinedValue(token.text));
      return { NULL: true };
    }
    return value;
  }
}
