import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codePointIndex, decodeJsonBytes, scanJson } from './py-json.js';
import { PyFloat } from './py-value.js';

/**
 * fixtures/json-errors.json: what CPython 3.11's json.loads(body_bytes) raised for each body
 * (fixtures/gen_json_errors.py, run once). The scanner must report the same message and the
 * same position, or fail the same other way.
 */
interface Case {
  text?: string;
  hex?: string;
  name?: string;
  ok: boolean;
  msg?: string;
  pos?: number;
  exception?: string;
}

const cases = JSON.parse(
  readFileSync(new URL('./fixtures/json-errors.json', import.meta.url), 'utf8'),
) as Case[];

function loads(raw: Buffer) {
  const text = decodeJsonBytes(raw);
  if (text === undefined) return { ok: false, exception: 'UnicodeDecodeError' };
  const result = scanJson(text);
  if (result.ok) return { ok: true };
  if (result.kind === 'unparsable') return { ok: false, exception: 'other' };
  return { ok: false, msg: result.msg, pos: result.pos };
}

describe("json.loads' verdicts", () => {
  it.each(cases.map((c) => [c.name ?? JSON.stringify(c.text), c] as const))('%s', (_label, c) => {
    const raw = c.hex !== undefined ? Buffer.from(c.hex, 'hex') : Buffer.from(c.text ?? '', 'utf8');
    const expected = c.ok
      ? { ok: true }
      : c.exception !== undefined
        ? {
            ok: false,
            exception: c.exception === 'UnicodeDecodeError' ? 'UnicodeDecodeError' : 'other',
          }
        : { ok: false, msg: c.msg, pos: c.pos };
    expect(loads(raw)).toEqual(expected);
  });
});

describe('values as Python sees them', () => {
  it('keeps floats written with a fraction or exponent apart from ints', () => {
    const result = scanJson('[1, 1.0, 2e3, -0, 9007199254740993, 123456789012345678901234567890]');
    expect(result).toEqual({
      ok: true,
      value: [
        1,
        new PyFloat(1),
        new PyFloat(2000),
        0,
        9007199254740993n,
        123456789012345678901234567890n,
      ],
    });
  });

  it('keeps key order as sent (integer-like keys too) and the last value of a repeated key', () => {
    const result = scanJson('{"b": 1, "2": 2, "1": 3, "b": 4}');
    expect(result.ok && [...(result.value as Map<string, unknown>).entries()]).toEqual([
      ['b', 4],
      ['2', 2],
      ['1', 3],
    ]);
  });

  it('decodes escapes, surrogate pairs and lone surrogates like Python', () => {
    expect(scanJson('"a\\n\\u00e9\\ud83d\\ude00\\ud800x"')).toEqual({
      ok: true,
      value: 'a\né😀\ud800x',
    });
  });

  it('reports positions in code points, not UTF-16 units or bytes', () => {
    // "😀" is 4 bytes in UTF-8, 2 UTF-16 units, 1 Python character.
    expect(scanJson('["😀", 1 2]')).toEqual({
      ok: false,
      kind: 'json',
      msg: "Expecting ',' delimiter",
      pos: 8,
    });
    expect(codePointIndex('😀😀x', 4)).toBe(2);
  });
});
