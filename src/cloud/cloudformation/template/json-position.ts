/**
 * Where a JSON text stops being JSON, as line and column in the numbering CloudFormation reports.
 * V8's `JSON.parse` messages do not always carry a position, so this is a small scanner of the
 * RFC 8259 grammar that runs only after `JSON.parse` has failed.
 *
 * CloudFormation parses with Jackson, whose column is counted after the offending character has
 * been read: `{"this is invalid JSON"="bobbins"}` fails at the `=` (offset 23) and AWS answers
 * `(line 1, column 25)`. So the column is the 1-based column of the bad character plus one; at the
 * end of the input it is one past the last character.
 */

export interface JsonErrorPosition {
  line: number;
  column: number;
}

class Stop {
  constructor(readonly offset: number) {}
}

export function jsonErrorPosition(text: string): JsonErrorPosition {
  const offset = firstBadOffset(text);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const atEnd = offset >= text.length;
  return { line, column: offset - lineStart + (atEnd ? 1 : 2) };
}

function firstBadOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    while (i < text.length) {
      const ch = text.charAt(i);
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        const esc = text.charAt(i);
        if (esc === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(text.charAt(i))) fail();
          }
        } else if (!'"\\/bfnrt'.includes(esc) || esc === '') {
          fail();
        }
      }
      i++;
    }
    fail();
  };
  const digits = () => {
    const start = i;
    while (/[0-9]/.test(text.charAt(i))) i++;
    if (i === start) fail();
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const ch = text.charAt(i);
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || /[0-9]/.test(ch)) number();
    else fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    // The scanner accepted what JSON.parse refused: point at the end rather than guess.
    return text.length;
  } catch (e) {
    if (e instanceof Stop) return e.offset;
    throw e;
  }
}
