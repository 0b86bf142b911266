// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is pipeline placeholder syntax here, not a template literal.
/** Placeholders and `if:` conditions, as pure functions. */
import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition, truthy } from '../../src/pipeline/condition.js';
import { interpolate, parseTemplate, type Reference, UNKNOWN } from '../../src/pipeline/interpolation.js';
import { Secrets } from '../../src/pipeline/secrets.js';

const values: Record<string, unknown> = {
  'vars.name': 'hello',
  'vars.count': 3,
  'vars.flag': false,
  'vars.config': { memory: 256, tags: ['a', 'b'] },
  'env.HOME': '/home/me',
  'steps.fn.outputs.arn': 'arn:aws:lambda:us-east-1:000000000000:function:hello',
};

function resolve(ref: Reference): unknown {
  switch (ref.kind) {
    case 'vars': {
      let value = values[`vars.${ref.name}`];
      for (const key of ref.path) value = (value as Record<string, unknown>)[key];
      return value;
    }
    case 'env':
      return values[`env.${ref.name}`];
    case 'steps':
      return values[`steps.${ref.stepId}.outputs.${ref.output}`];
    case 'file':
      return `contents of ${ref.path}`;
  }
}

describe('interpolation', () => {
  it('keeps the type of a whole-string placeholder', () => {
    const { value } = interpolate(
      { a: '${vars.count}', b: '${vars.flag}', c: '${vars.config}', d: '${ vars.name }', e: '${vars.config.memory}' },
      resolve,
    );
    expect(value).toEqual({ a: 3, b: false, c: { memory: 256, tags: ['a', 'b'] }, d: 'hello', e: 256 });
  });

  it('stringifies embedded placeholders (objects as JSON) and reads files', () => {
    const { value } = interpolate(
      [
        'fn-${vars.name}-${vars.count}',
        'flag=${vars.flag}',
        'cfg ${vars.config}',
        '${file:payload.json}',
        'at ${env.HOME}',
      ],
      resolve,
    );
    expect(value).toEqual([
      'fn-hello-3',
      'flag=false',
      'cfg {"memory":256,"tags":["a","b"]}',
      'contents of payload.json',
      'at /home/me',
    ]);
  });

  it('leaves non-strings alone and walks nested values', () => {
    const { value } = interpolate({ n: 1, b: true, z: null, list: [{ arn: '${steps.fn.outputs.arn}' }] }, resolve);
    expect(value).toEqual({ n: 1, b: true, z: null, list: [{ arn: values['steps.fn.outputs.arn'] }] });
  });

  it('$${ is a literal ${', () => {
    const { value } = interpolate(['$${vars.name}', 'a $${b} ${vars.name}', 'cost: $5', '$$${vars.count}'], resolve);
    // Escapes are read left to right: the first $ is literal, then $${ is.
    expect(value).toEqual(['${vars.name}', 'a ${b} hello', 'cost: $5', '$${vars.count}']);
  });

  it('reports unknown values (plans) as <known after run>', () => {
    const result = interpolate({ a: '${steps.fn.outputs.arn}', b: 'x-${steps.fn.outputs.arn}' }, () => UNKNOWN);
    expect(result.value).toEqual({ a: '<known after run>', b: 'x-<known after run>' });
    expect(result.unknown).toEqual(['${steps.fn.outputs.arn}', '${steps.fn.outputs.arn}']);
  });

  it('rejects malformed placeholders with a message saying what is allowed', () => {
    expect(parseTemplate('${vars.name')).toEqual({
      ok: false,
      error: 'unterminated placeholder "${vars.name": add the closing "}"',
    });
    expect(parseTemplate('${steps.fn.arn}')).toEqual({
      ok: false,
      error:
        'unknown placeholder "${steps.fn.arn}": use ${vars.NAME}, ${env.NAME}, ${steps.ID.outputs.NAME} or ${file:PATH}',
    });
    expect(() => interpolate('${nope}', resolve)).toThrow('unknown placeholder "${nope}"');
  });
});

describe('conditions', () => {
  const holds = (expression: string) => evaluateCondition(parseCondition(expression), resolve);

  it('compares, negates and combines', () => {
    expect(holds("${vars.name} == 'hello'")).toBe(true);
    expect(holds("${vars.name} != 'hello'")).toBe(false);
    expect(holds('${vars.count} == 3')).toBe(true);
    expect(holds('${vars.count} == "3"')).toBe(true);
    expect(holds('${vars.flag}')).toBe(false);
    expect(holds('!${vars.flag}')).toBe(true);
    expect(holds('${vars.flag} == false')).toBe(true);
    expect(holds("${vars.name} == 'hello' && ${vars.flag}")).toBe(false);
    expect(holds("${vars.flag} || ${vars.name} == 'hello'")).toBe(true);
    expect(holds("!(${vars.flag} || ${vars.count} == 4) && ${env.HOME} != ''")).toBe(true);
    expect(holds('true')).toBe(true);
    expect(holds('null')).toBe(false);
  });

  it('truthiness: false, 0, empty, "false", "0" and null are false', () => {
    expect([false, 0, '', 'false', '0', null, undefined].map(truthy)).toEqual(Array(7).fill(false));
    expect([true, 1, 'yes', 'true', {}, []].map(truthy)).toEqual(Array(6).fill(true));
  });

  it('is unknown only when the answer depends on an unknown value', () => {
    const unknown = (ref: Reference) => (ref.kind === 'steps' ? UNKNOWN : resolve(ref));
    const evaluate = (e: string) => evaluateCondition(parseCondition(e), unknown);
    expect(evaluate("${steps.fn.outputs.arn} == 'x'")).toBe(UNKNOWN);
    expect(evaluate("${vars.flag} && ${steps.fn.outputs.arn} == 'x'")).toBe(false);
    expect(evaluate("${vars.name} == 'hello' || ${steps.fn.outputs.arn}")).toBe(true);
    expect(evaluate('!${steps.fn.outputs.arn}')).toBe(UNKNOWN);
  });

  it('reports syntax errors with the column', () => {
    expect(() => parseCondition('${vars.env} == prod')).toThrow(
      `unexpected "prod" at column 16: quote text ('prod') or use a placeholder (\${vars.prod})`,
    );
    expect(() => parseCondition('${vars.a} &&')).toThrow('expected a value but found the end');
    expect(() => parseCondition('(${vars.a}')).toThrow('expected ")" but found the end');
    expect(() => parseCondition("'open")).toThrow('unterminated string at column 1');
    expect(() => parseCondition('${vars.a} = 1')).toThrow('unexpected "=" at column 11');
    expect(() => parseCondition('')).toThrow('the condition is empty');
  });
});

describe('secrets', () => {
  it('masks every occurrence, longest first, and each line of a multi-line secret', () => {
    const secrets = new Secrets();
    secrets.add('abc');
    secrets.add('abcdef');
    secrets.add('line-one\nline-two');
    expect(secrets.mask('x abcdef y abc z')).toBe('x **** y **** z');
    expect(secrets.mask('got line-two here')).toBe('got **** here');
    expect(secrets.maskDeep({ a: ['abc'], b: { c: 'line-one' }, n: 1 })).toEqual({
      a: ['****'],
      b: { c: '****' },
      n: 1,
    });
  });

  it('takes secrets from environment variables named like them', () => {
    const secrets = new Secrets();
    secrets.addFromEnvironment({
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
      AWS_SESSION_TOKEN: 'FwoGZXIvYXdzE',
      GITHUB_TOKEN: 'ghp_123456',
      DB_PASSWORD: 'hunter22',
      USE_TOKEN: 'yes',
      HOME: '/home/me',
    });
    expect(secrets.mask('wJalrXUtnFEMI FwoGZXIvYXdzE ghp_123456 hunter22 yes /home/me')).toBe(
      '**** **** **** **** yes /home/me',
    );
  });
});
