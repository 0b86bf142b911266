/**
 * CloudWatch Logs filter patterns (FilterLogEvents' filterPattern), compiled once per request to a
 * predicate over event messages. Term patterns are case-sensitive substring matches: every plain
 * term must appear, none of the `-term`s may, and when there are `?term`s at least one of them
 * must. A term is a word, a "quoted phrase" or a %regular expression%. `{ ... }` is a JSON
 * pattern (json-pattern.ts). Space-delimited patterns (`[ip, user, ...]`) are refused.
 */
import { invalidPattern, invalidTerm } from './errors.js';
import { compileJsonPattern, compileRegex } from './json-pattern.js';

export type EventMatcher = (message: string) => boolean;

type Term = (message: string) => boolean;

/** Characters a term may only carry inside double quotes. */
const UNQUOTED_FORBIDDEN = /[@"'=<>!(){}[\],;]/;

interface ParsedTerm {
  mode: 'required' | 'optional' | 'excluded';
  test: Term;
}

function parseTerms(text: string): ParsedTerm[] {
  const terms: ParsedTerm[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    let mode: ParsedTerm['mode'] = 'required';
    if ((text[i] === '?' || text[i] === '-') && i + 1 < text.length && !/\s/.test(text[i + 1] as string)) {
      mode = text[i] === '?' ? 'optional' : 'excluded';
      i++;
    }
    if (text[i] === '"') {
      let phrase = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        phrase += text[j];
      }
      if (j >= text.length) throw invalidPattern('unterminated quoted phrase');
      if (phrase === '') throw invalidTerm('""');
      terms.push({ mode, test: (message) => message.includes(phrase) });
      i = j + 1;
    } else if (text[i] === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) throw invalidPattern('unterminated regular expression');
      const re = compileRegex(text.slice(i + 1, end));
      terms.push({ mode, test: (message) => re.test(message) });
      i = end + 1;
    } else {
      const match = /^\S+/.exec(text.slice(i)) as RegExpExecArray;
      const word = match[0];
      // AWS wants such terms quoted (an e-mail address, `a=b`, `f(x)` ...).
      if (UNQUOTED_FORBIDDEN.test(word)) throw invalidTerm(word);
      terms.push({ mode, test: (message) => message.includes(word) });
      i += word.length;
    }
  }
  return terms;
}

export function compileFilterPattern(pattern: string | undefined): EventMatcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) {
    throw invalidPattern('space-delimited patterns ([field, ...]) are not supported by lambda-tasks');
  }
  const terms = parseTerms(text);
  const required = terms.filter((t) => t.mode === 'required').map((t) => t.test);
  const optional = terms.filter((t) => t.mode === 'optional').map((t) => t.test);
  const excluded = terms.filter((t) => t.mode === 'excluded').map((t) => t.test);
  return (message) =>
    required.every((test) => test(message)) &&
    !excluded.some((test) => test(message)) &&
    (optional.length === 0 || optional.some((test) => test(message)));
}
