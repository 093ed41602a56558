import { describe, expect, it } from 'vitest';
import {
  displayField,
  exceedsDepth,
  findInvalidInput,
  MAX_NUMBER,
  numberProblem,
  parameterProblem,
  stringProblem,
} from './input-rules.js';
import { JsonTooDeepError, parseJsonBody } from './json-body.js';
import { RequestValidationError } from '@maas/errors';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('exceedsDepth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(exceedsDepth(nested(32), 32)).toBe(false);
    expect(exceedsDepth(nested(33), 32)).toBe(true);
    expect(exceedsDepth('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(exceedsDepth('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(exceedsDepth(`{"s":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(exceedsDepth(`{"s":"\\"${'{'.repeat(100)}"}`, 1)).toBe(false);
  });

  it('stops at the first level too deep', () => {
    const started = performance.now();
    expect(exceedsDepth(nested(500_000), 32)).toBe(true);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('stringProblem and numberProblem', () => {
  it('refuses NUL and lone surrogates, keeps every other text', () => {
    expect(stringProblem('a\u0000b')).toMatch(/NUL/);
    expect(stringProblem('\ud800')).toMatch(/lone surrogate/);
    expect(stringProblem('x\udc00')).toMatch(/lone surrogate/);
    expect(stringProblem('emoji 😀, 中文, tab\t')).toBeUndefined();
  });

  it('bounds numbers to what is held exactly', () => {
    expect(numberProblem(MAX_NUMBER)).toBeUndefined();
    expect(numberProblem(-MAX_NUMBER)).toBeUndefined();
    expect(numberProblem(0.5)).toBeUndefined();
    expect(numberProblem(MAX_NUMBER + 2)).toMatch(/between/);
    expect(numberProblem(1e20)).toMatch(/between/);
    expect(numberProblem(Infinity)).toMatch(/between/);
  });

  it.each(['9223372036854775807', '1e20', '-1e20', '0x1fffffffffffff0', 'Infinity'])(
    'refuses the parameter %s',
    (value) => {
      expect(parameterProblem(value)).toMatch(/between/);
    },
  );

  it.each(['', '0', '100', '9007199254740991', 'abc', 'name-1e20', ' '])(
    'accepts the parameter %j',
    (value) => {
      expect(parameterProblem(value)).toBeUndefined();
    },
  );
});

describe('findInvalidInput', () => {
  it('names the first bad field by its dotted path', () => {
    expect(findInvalidInput({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toEqual({
      field: 'b.c.1',
      message: 'b.c.1 must not contain NUL (U+0000) characters',
    });
    expect(findInvalidInput({ n: 1e20 })?.field).toBe('n');
    expect(findInvalidInput('\u0000')?.field).toBe('(body)');
    expect(findInvalidInput({ ok: [1, 'two', null, true, { three: 3 }] })).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s', (key) => {
    const value = JSON.parse(`{"a":{"${key}":{"admin":true}}}`) as unknown;
    expect(findInvalidInput(value)).toEqual({
      field: `a.${key}`,
      message: `a.${key} is not allowed: "${key}" is a reserved key`,
    });
  });

  it('refuses a key with NUL without echoing it raw', () => {
    const finding = findInvalidInput({ outer: { 'k\u0000': 1 } });
    expect(finding?.field).toBe('outer');
    expect(finding?.message).toMatch(/has a key that must not contain NUL/);
  });
});

describe('displayField', () => {
  it('escapes control characters and cuts long names', () => {
    expect(displayField('a\u0000b')).toBe('a\\u0000b');
    expect(displayField('x'.repeat(200))).toHaveLength(80);
    expect(displayField('\ud800')).toBe('\ufffd');
  });
});

describe('parseJsonBody', () => {
  it('parses JSON, and reads an empty body as none', () => {
    expect(parseJsonBody('{"a":[1,"b"]}')).toEqual({ a: [1, 'b'] });
    expect(parseJsonBody('')).toBeUndefined();
    expect(parseJsonBody('  \n')).toBeUndefined();
  });

  it('refuses a body nested deeper than the limit before parsing it', () => {
    expect(() => parseJsonBody(nested(10_000))).toThrow(JsonTooDeepError);
    expect(() => parseJsonBody(nested(5), 4)).toThrow(/nested deeper than 4 levels/);
  });

  it('says "not valid JSON" without quoting the body', () => {
    expect(() => parseJsonBody('{"secret": nope}')).toThrow('The request body is not valid JSON');
    try {
      parseJsonBody('{"secret": nope}');
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain('nope');
    }
  });

  it('refuses a reserved key with its own message, not "not valid JSON"', () => {
    expect(() => parseJsonBody('{"__proto__":{"x":1}}')).toThrow(RequestValidationError);
    expect(() => parseJsonBody('{"__proto__":{"x":1}}')).toThrow(/__proto__ is not allowed/);
  });

  it('refuses NUL, lone surrogates and huge numbers, naming the field', () => {
    expect(() => parseJsonBody('{"name":"a\\u0000"}')).toThrow(/name must not contain NUL/);
    expect(() => parseJsonBody('{"name":"\\ud800"}')).toThrow(/name must be valid Unicode/);
    expect(() => parseJsonBody('{"offset":9223372036854775807}')).toThrow(/offset must be a/);
    expect(() => parseJsonBody('{"x":1e400}')).toThrow(/x must be a number/);
  });
});
