import { describe, expect, it } from 'vitest';
import { PyTuple, repr, reprFloat, reprStr } from './py-repr.js';
import { PyFloat } from './py-value.js';

// Expected values are Python 3.11's repr() of the same values.
describe('repr like Python', () => {
  it.each([
    [1.0, '1.0'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e15, '1000000000000000.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e300, '1.5e+300'],
    [123456789.125, '123456789.125'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ])('float %s', (value, expected) => {
    expect(reprFloat(value)).toBe(expected);
  });

  it.each([
    ['hello', "'hello'"],
    ["it's", '"it\'s"'],
    ['say "hi"', '\'say "hi"\''],
    ['both \' and "', "'both \\' and \"'"],
    ['back\\slash', "'back\\\\slash'"],
    ['tab\tnew\nret\r', "'tab\\tnew\\nret\\r'"],
    ['\x00\x1f\x7f\x80\xa0', "'\\x00\\x1f\\x7f\\x80\\xa0'"],
    ['é中😀', "'é中😀'"],
    ['\u200b\u2028\ufeff', "'\\u200b\\u2028\\ufeff'"],
    ['\ud800', "'\\ud800'"],
    ['\u{e0001}', "'\\U000e0001'"],
  ])('str %j', (value, expected) => {
    expect(reprStr(value)).toBe(expected);
  });

  it('dicts, lists, tuples, None/True/False, ints', () => {
    const value = new Map<string, unknown>([
      ['a', [1, new PyFloat(2), null, true, false]],
      ['b', new Map()],
      ['c', 123456789012345678901234567890n],
    ]);
    expect(repr(value as never)).toBe(
      "{'a': [1, 2.0, None, True, False], 'b': {}, 'c': 123456789012345678901234567890}",
    );
    expect(repr(new PyTuple(['body']))).toBe("('body',)");
    expect(repr(new PyTuple(['body', 'messages', 0]))).toBe("('body', 'messages', 0)");
  });
});
