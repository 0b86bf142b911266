/**
 * JSON filter patterns, `{ $.level = "ERROR" && ($.latency > 100 || $.retry IS TRUE) }`: a
 * selector compared with a string (`*` wildcards), a number or a `%regex%`, or tested with
 * `IS TRUE|FALSE|NULL` and `NOT EXISTS`, combined with `&&`, `||` and parentheses. Events whose
 * message is not a JSON object never match, as in CloudWatch Logs.
 */
import { invalidPattern, unclosedJsonPattern } from './errors.js';

type Predicate = (event: unknown) => boolean;

type Token =
  | { kind: 'punct'; text: '(' | ')' | '&&' | '||' }
  | { kind: 'op'; text: '=' | '!=' | '<' | '<=' | '>' | '>=' }
  | { kind: 'selector'; path: (string | number)[] }
  | { kind: 'string'; text: string; quoted: boolean }
  | { kind: 'regex'; re: RegExp };

const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = body.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      tokens.push({ kind: 'punct', text: two });
      i += 2;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if (c === '$') {
      const match = /^\$(?:\.[^\s.[\]=!<>()&|]+|\[\d+\])*/.exec(body.slice(i)) as RegExpExecArray;
      const path = [...match[0].slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((m) =>
        m[1] !== undefined ? m[1] : Number(m[2]),
      );
      tokens.push({ kind: 'selector', path });
      i += match[0].length;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < body.length && body[j] !== '"'; j++) {
        if (body[j] === '\\' && j + 1 < body.length) j++;
        text += body[j];
      }
      if (j >= body.length) throw invalidPattern('unterminated quoted string');
      tokens.push({ kind: 'string', text, quoted: true });
      i = j + 1;
    } else if (c === '%') {
      const end = body.indexOf('%', i + 1);
      if (end < 0) throw invalidPattern('unterminated regular expression');
      tokens.push({ kind: 'regex', re: compileRegex(body.slice(i + 1, end)) });
      i = end + 1;
    } else {
      const match = /^[^\s()&|=!<>"]+/.exec(body.slice(i));
      if (!match) throw invalidPattern(`unexpected '${c}'`);
      tokens.push({ kind: 'string', text: match[0], quoted: false });
      i += match[0].length;
    }
  }
  return tokens;
}

export function compileRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw invalidPattern(`invalid regular expression %${source}%`);
  }
}

function wildcard(value: string): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
}

function select(event: unknown, path: (string | number)[]): unknown {
  let value = event;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[step];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[step];
    }
  }
  return value;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Predicate {
    const predicate = this.or();
    if (this.at < this.tokens.length) throw invalidPattern('unexpected input after the expression');
    return predicate;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(what: string): Token {
    const token = this.tokens[this.at++];
    if (!token) throw invalidPattern(`expected ${what}`);
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === text;
  }

  private or(): Predicate {
    const terms = [this.and()];
    while (this.isPunct('||')) {
      this.at++;
      terms.push(this.and());
    }
    return terms.length === 1 ? (terms[0] as Predicate) : (event) => terms.some((term) => term(event));
  }

  private and(): Predicate {
    const terms = [this.primary()];
    while (this.isPunct('&&')) {
      this.at++;
      terms.push(this.primary());
    }
    return terms.length === 1 ? (terms[0] as Predicate) : (event) => terms.every((term) => term(event));
  }

  private primary(): Predicate {
    if (this.isPunct('(')) {
      this.at++;
      const inner = this.or();
      if (!this.isPunct(')')) throw invalidPattern("expected ')'");
      this.at++;
      return inner;
    }
    const selector = this.next('a selector such as $.field');
    if (selector.kind !== 'selector') throw invalidPattern('expected a selector such as $.field');
    const path = selector.path;
    const keyword = this.keyword();
    if (keyword === 'IS') {
      const what = this.keyword();
      if (what === 'TRUE') return (event) => select(event, path) === true;
      if (what === 'FALSE') return (event) => select(event, path) === false;
      if (what === 'NULL') return (event) => select(event, path) === null;
      throw invalidPattern('expected TRUE, FALSE or NULL after IS');
    }
    if (keyword === 'NOT') {
      if (this.keyword() !== 'EXISTS') throw invalidPattern('expected EXISTS after NOT');
      return (event) => select(event, path) === undefined;
    }
    const op = this.next('a comparison operator');
    if (op.kind !== 'op') throw invalidPattern('expected a comparison operator');
    return this.comparison(path, op.text, this.next('a value'));
  }

  /** The next token if it is an unquoted keyword (upper-cased), without consuming anything else. */
  private keyword(): string | undefined {
    const token = this.peek();
    if (token?.kind !== 'string' || token.quoted) return undefined;
    const word = token.text.toUpperCase();
    if (!['IS', 'NOT', 'TRUE', 'FALSE', 'NULL', 'EXISTS'].includes(word)) return undefined;
    this.at++;
    return word;
  }

  private comparison(path: (string | number)[], op: string, value: Token): Predicate {
    const negate = op === '!=';
    if (value.kind === 'regex') {
      if (op !== '=' && op !== '!=') throw invalidPattern(`${op} cannot compare with a regular expression`);
      return (event) => {
        const text = textOf(select(event, path));
        return text !== undefined && value.re.test(text) !== negate;
      };
    }
    if (value.kind !== 'string') throw invalidPattern('expected a value');
    if (!value.quoted && NUMBER.test(value.text)) {
      const expected = Number(value.text);
      const compare: Record<string, (actual: number) => boolean> = {
        '=': (actual) => actual === expected,
        '!=': (actual) => actual !== expected,
        '<': (actual) => actual < expected,
        '<=': (actual) => actual <= expected,
        '>': (actual) => actual > expected,
        '>=': (actual) => actual >= expected,
      };
      const test = compare[op] as (actual: number) => boolean;
      return (event) => {
        const actual = select(event, path);
        return typeof actual === 'number' && test(actual);
      };
    }
    if (op !== '=' && op !== '!=') throw invalidPattern(`${op} needs a numeric value`);
    const re = wildcard(value.text);
    return (event) => {
      const text = textOf(select(event, path));
      return text !== undefined && re.test(text) !== negate;
    };
  }
}

/** `text` is the whole pattern, braces included. */
export function compileJsonPattern(text: string): (message: string) => boolean {
  if (!text.endsWith('}')) throw unclosedJsonPattern();
  const predicate = new Parser(tokenize(text.slice(1, -1))).parse();
  return (message) => {
    // Cheap rejection first: most events of a mixed stream are not JSON objects.
    if (!message.trimStart().startsWith('{')) return false;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      return false;
    }
    return predicate(event);
  };
}
