/**
 * The `if:` language of a step, small on purpose and evaluated without eval:
 *
 *   if: ${vars.env} == 'prod' && !${vars.dryRun}
 *
 * Operands are placeholders (`${vars.x}`, `${env.X}`, `${steps.id.outputs.y}`), quoted strings,
 * numbers, `true`, `false` and `null`; operators are `==`, `!=`, `!`, `&&`, `||` and parentheses
 * (`!` binds tightest, then `==`/`!=`, then `&&`, then `||`). Equality compares the values as text
 * (`${vars.count} == 3` holds for the number 3 and the string "3"). A value is false when it is
 * false, null, missing, 0, the empty string, `"false"` or `"0"`, and true otherwise.
 */
import { parseReference, type Reference, stringify, UNKNOWN } from './interpolation.js';

export type Expression =
  | { type: 'ref'; ref: Reference; source: string }
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'not'; operand: Expression }
  | { type: 'and' | 'or' | 'eq' | 'ne'; left: Expression; right: Expression };

type Token =
  | { type: 'ref'; ref: Reference; source: string; at: number }
  | { type: 'literal'; value: string | number | boolean | null; at: number }
  | { type: 'op'; op: '==' | '!=' | '&&' | '||' | '!' | '(' | ')'; at: number };

export class ConditionSyntaxError extends Error {}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (input.startsWith('${', i)) {
      const end = input.indexOf('}', i);
      if (end < 0) throw new ConditionSyntaxError(`unterminated placeholder at column ${i + 1}: add the closing "}"`);
      const ref = parseReference(input.slice(i + 2, end));
      if (typeof ref === 'string') throw new ConditionSyntaxError(ref);
      tokens.push({ type: 'ref', ref, source: input.slice(i, end + 1), at: i });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < input.length && input[j] !== c; j++) {
        if (input[j] === '\\' && j + 1 < input.length) j++;
        value += input[j];
      }
      if (j >= input.length) throw new ConditionSyntaxError(`unterminated string at column ${i + 1}`);
      tokens.push({ type: 'literal', value, at: i });
      i = j + 1;
    } else {
      const op = ['==', '!=', '&&', '||', '!', '(', ')'].find((o) => input.startsWith(o, i));
      if (op) {
        tokens.push({ type: 'op', op: op as Extract<Token, { type: 'op' }>['op'], at: i });
        i += op.length;
        continue;
      }
      const word = /^[\w.-]+/.exec(input.slice(i))?.[0];
      if (!word) throw new ConditionSyntaxError(`unexpected "${c}" at column ${i + 1}`);
      if (word === 'true' || word === 'false') tokens.push({ type: 'literal', value: word === 'true', at: i });
      else if (word === 'null') tokens.push({ type: 'literal', value: null, at: i });
      else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ type: 'literal', value: Number(word), at: i });
      else
        throw new ConditionSyntaxError(
          `unexpected "${word}" at column ${i + 1}: quote text ('${word}') or use a placeholder (\${vars.${word}})`,
        );
      i += word.length;
    }
  }
  return tokens;
}

/** Parses an `if:` expression; throws ConditionSyntaxError with a message naming the column. */
export function parseCondition(input: string): Expression {
  const tokens = tokenize(input);
  let pos = 0;
  const peekOp = (op: string) => {
    const t = tokens[pos];
    return t?.type === 'op' && t.op === op;
  };
  const describe = (t: Token | undefined) =>
    t === undefined
      ? 'the end'
      : `"${t.type === 'op' ? t.op : t.type === 'ref' ? t.source : String(t.value)}" at column ${t.at + 1}`;

  const or = (): Expression => {
    let left = and();
    while (peekOp('||')) {
      pos++;
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Expression => {
    let left = comparison();
    while (peekOp('&&')) {
      pos++;
      left = { type: 'and', left, right: comparison() };
    }
    return left;
  };
  const comparison = (): Expression => {
    const left = unary();
    if (peekOp('==') || peekOp('!=')) {
      const op = (tokens[pos] as Extract<Token, { type: 'op' }>).op;
      pos++;
      return { type: op === '==' ? 'eq' : 'ne', left, right: unary() };
    }
    return left;
  };
  const unary = (): Expression => {
    if (peekOp('!')) {
      pos++;
      return { type: 'not', operand: unary() };
    }
    return primary();
  };
  const primary = (): Expression => {
    const t = tokens[pos];
    if (t?.type === 'op' && t.op === '(') {
      pos++;
      const inner = or();
      if (!peekOp(')')) throw new ConditionSyntaxError(`expected ")" but found ${describe(tokens[pos])}`);
      pos++;
      return inner;
    }
    if (t?.type === 'ref') {
      pos++;
      return { type: 'ref', ref: t.ref, source: t.source };
    }
    if (t?.type === 'literal') {
      pos++;
      return { type: 'literal', value: t.value };
    }
    throw new ConditionSyntaxError(`expected a value but found ${describe(t)}`);
  };

  if (tokens.length === 0) throw new ConditionSyntaxError('the condition is empty');
  const expression = or();
  if (pos < tokens.length) throw new ConditionSyntaxError(`unexpected ${describe(tokens[pos])}`);
  return expression;
}

/** Every placeholder the expression reads. */
export function conditionReferences(expression: Expression): { ref: Reference; source: string }[] {
  switch (expression.type) {
    case 'ref':
      return [{ ref: expression.ref, source: expression.source }];
    case 'literal':
      return [];
    case 'not':
      return conditionReferences(expression.operand);
    default:
      return [...conditionReferences(expression.left), ...conditionReferences(expression.right)];
  }
}

export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === 'string') return value !== '' && value !== 'false' && value !== '0';
  return true;
}

/**
 * Evaluates to a boolean, or to UNKNOWN when the answer depends on a value not known yet (a plan
 * reading an earlier step's outputs).
 */
export function evaluateCondition(
  expression: Expression,
  resolve: (ref: Reference, source: string) => unknown,
): boolean | typeof UNKNOWN {
  const value = (e: Expression): unknown => {
    switch (e.type) {
      case 'ref':
        return resolve(e.ref, e.source);
      case 'literal':
        return e.value;
      case 'not': {
        const v = value(e.operand);
        return v === UNKNOWN ? UNKNOWN : !truthy(v);
      }
      case 'eq':
      case 'ne': {
        const l = value(e.left);
        const r = value(e.right);
        if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
        const equal = stringify(l) === stringify(r);
        return e.type === 'eq' ? equal : !equal;
      }
      case 'and': {
        const l = value(e.left);
        if (l !== UNKNOWN && !truthy(l)) return false;
        const r = value(e.right);
        if (r !== UNKNOWN && !truthy(r)) return false;
        return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : true;
      }
      case 'or': {
        const l = value(e.left);
        if (l !== UNKNOWN && truthy(l)) return true;
        const r = value(e.right);
        if (r !== UNKNOWN && truthy(r)) return true;
        return l === UNKNOWN || r === UNKNOWN ? UNKNOWN : false;
      }
    }
  };
  const result = value(expression);
  return result === UNKNOWN ? UNKNOWN : truthy(result);
}
