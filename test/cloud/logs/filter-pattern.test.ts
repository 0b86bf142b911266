/** Filter patterns: terms, phrases, OR and exclusion terms, regular expressions and JSON patterns. */
import { FilterLogEventsCommand, TestMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFilterPattern } from '../../../src/cloud/services/logs/filter-pattern.js';
import { failure, useCloud } from '../../helpers/cloud.js';
import { expectNoInternalErrors, invalidParameter, newGroup, putMessages } from './support.js';

const MESSAGES = [
  '[ERROR] Failed to process order 42',
  '[WARN] Retrying order 42',
  '[INFO] order 43 done',
  'error: lower-case error',
  '{"level":"ERROR","latency":250,"user":{"id":"u-1","admin":true},"tags":["a","b"],"note":null}',
  '{"level":"INFO","latency":80,"user":{"id":"u-2","admin":false},"path":"/api/orders/43"}',
  'START RequestId: 6f1c Version: $LATEST',
];

function matching(pattern: string): string[] {
  const matches = compileFilterPattern(pattern);
  return MESSAGES.filter((message) => matches(message));
}

describe('term patterns', () => {
  it('matches everything with an empty or blank pattern', () => {
    expect(matching('')).toEqual(MESSAGES);
    expect(matching('   ')).toEqual(MESSAGES);
  });

  it('requires every plain term, case-sensitively, as a substring', () => {
    expect(matching('ERROR')).toEqual([MESSAGES[0], MESSAGES[4]]);
    expect(matching('error')).toEqual([MESSAGES[3]]);
    expect(matching('order 42')).toEqual([MESSAGES[0], MESSAGES[1]]);
    expect(matching('ERROR Failed')).toEqual([MESSAGES[0]]);
    expect(matching('RequestId:')).toEqual([MESSAGES[6]]);
  });

  it('matches a quoted phrase exactly, spaces included', () => {
    expect(matching('"order 42"')).toEqual([MESSAGES[0], MESSAGES[1]]);
    expect(matching('"42 order"')).toEqual([]);
    expect(matching('"Failed to process"')).toEqual([MESSAGES[0]]);
    expect(matching('"say \\"hi\\""')).toEqual([]);
  });

  it('needs one of the ?terms, and none of the -terms', () => {
    expect(matching('?WARN ?INFO')).toEqual([MESSAGES[1], MESSAGES[2], MESSAGES[5]]);
    expect(matching('?"order 43" ?Retrying')).toEqual([MESSAGES[1], MESSAGES[2]]);
    // (`orders` in the JSON event's path contains `order`: terms are substrings.)
    expect(matching('order -42')).toEqual([MESSAGES[2], MESSAGES[5]]);
    expect(matching('ERROR -"{"')).toEqual([MESSAGES[0]]);
    expect(matching('order ?WARN ?INFO')).toEqual([MESSAGES[1], MESSAGES[2], MESSAGES[5]]);
  });

  it('matches %regular expressions%', () => {
    expect(matching('%order [0-9]+%')).toEqual([MESSAGES[0], MESSAGES[1], MESSAGES[2]]);
    expect(matching('%^\\[(ERROR|WARN)\\]%')).toEqual([MESSAGES[0], MESSAGES[1]]);
    expect(matching('%[Ee]rror%')).toEqual([MESSAGES[3]]);
  });
});

describe('JSON patterns', () => {
  it('compares strings, with * wildcards, and nested selectors', () => {
    expect(matching('{ $.level = "ERROR" }')).toEqual([MESSAGES[4]]);
    expect(matching('{$.level=ERROR}')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.level != "ERROR" }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.user.id = "u-*" }')).toEqual([MESSAGES[4], MESSAGES[5]]);
    expect(matching('{ $.path = "/api/*/43" }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.tags[1] = "b" }')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.level = %^E% }')).toEqual([MESSAGES[4]]);
  });

  it('compares numbers', () => {
    expect(matching('{ $.latency > 100 }')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.latency <= 80 }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.latency = 250 }')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.latency != 250 }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.latency >= 80.0 }')).toEqual([MESSAGES[4], MESSAGES[5]]);
  });

  it('tests booleans, null and existence', () => {
    expect(matching('{ $.user.admin IS TRUE }')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.user.admin IS FALSE }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.note IS NULL }')).toEqual([MESSAGES[4]]);
    expect(matching('{ $.path NOT EXISTS }')).toEqual([MESSAGES[4]]);
  });

  it('combines with &&, || and parentheses', () => {
    expect(matching('{ $.level = "INFO" && $.latency < 100 }')).toEqual([MESSAGES[5]]);
    expect(matching('{ $.level = "INFO" && $.latency > 100 }')).toEqual([]);
    expect(matching('{ $.level = "DEBUG" || $.latency > 100 }')).toEqual([MESSAGES[4]]);
    expect(matching('{ ($.level = "INFO" || $.level = "ERROR") && $.user.admin IS TRUE }')).toEqual([MESSAGES[4]]);
  });
});

describe('invalid patterns', () => {
  it.each([
    ['"unterminated', 'unterminated quoted phrase'],
    ['%unterminated', 'unterminated regular expression'],
    ['%(%', 'invalid regular expression %(%'],
    ['""', `Invalid character(s) in term '""'`],
    ['user@example.com', "Invalid character(s) in term 'user@example.com'"],
    ['{ level = "ERROR" }', 'expected a selector such as $.field'],
    ['{ $.level > "ERROR" }', '> needs a numeric value'],
    ['{ $.a = 1 && }', 'expected a selector such as $.field'],
    ['{ ($.a = 1 }', "expected ')'"],
    ['{ $.a IS MAYBE }', 'expected TRUE, FALSE or NULL after IS'],
    ['[ip, user, status = 404]', 'space-delimited patterns ([field, ...]) are not supported by lambda-tasks'],
  ])('refuses %s', (pattern, detail) => {
    expect(() => compileFilterPattern(pattern)).toThrow(`Invalid filter pattern: ${detail}`);
  });

  it('words an unclosed JSON pattern as AWS does', () => {
    expect(() => compileFilterPattern('{ $.level = "ERROR"')).toThrow(
      "If a filter pattern starts with '{' it must end with '}'",
    );
  });
});

describe('through FilterLogEvents', () => {
  const t = useCloud();
  afterAll(() => expectNoInternalErrors(t));

  it('applies the pattern server-side and answers InvalidParameterException for a bad one', async () => {
    const logs = t.cwLogs();
    const logGroupName = await newGroup(logs, 'patterns', ['s']);
    await putMessages(logs, logGroupName, 's', MESSAGES);
    const filter = async (filterPattern: string) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern }))).events?.map((e) => e.message);
    expect(await filter('?WARN ?"order 43"')).toEqual([MESSAGES[1], MESSAGES[2]]);
    expect(await filter('{ $.user.admin IS TRUE && $.latency > 200 }')).toEqual([MESSAGES[4]]);
    expect(await failure(logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: '{ $.a = }' })))).toEqual(
      invalidParameter('Invalid filter pattern: expected a value'),
    );
    expect(
      await failure(logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: 'user@example.com' }))),
    ).toEqual(invalidParameter("Invalid filter pattern: Invalid character(s) in term 'user@example.com'"));
  });

  it('tests a pattern on sample messages with TestMetricFilter, numbering events from 1', async () => {
    const logs = t.cwLogs();
    const { matches } = await logs.send(
      new TestMetricFilterCommand({ filterPattern: '{ $.level = "ERROR" } ', logEventMessages: MESSAGES }),
    );
    expect(matches).toEqual([{ eventNumber: 5, eventMessage: MESSAGES[4], extractedValues: {} }]);
    const none = await logs.send(new TestMetricFilterCommand({ filterPattern: 'nowhere', logEventMessages: ['a'] }));
    expect(none.matches).toEqual([]);
    expect(
      await failure(logs.send(new TestMetricFilterCommand({ filterPattern: '{ $.a = 1', logEventMessages: ['a'] }))),
    ).toEqual(invalidParameter("If a filter pattern starts with '{' it must end with '}'"));
  });
});
