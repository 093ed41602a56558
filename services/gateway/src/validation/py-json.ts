import { isUtf8 } from 'node:buffer';
import { PyFloat, type PyDict, type PyValue } from './py-value.js';

/**
 * Python's `json.loads(body_bytes)` — what vLLM's FastAPI app runs on a request body — with the
 * same outcome for every input: the value (see py-value.ts), or the `JSONDecodeError` message and
 * position (pydantic's `json_invalid` reports exactly `e.msg` and `e.pos`, seed 002 Table 4-19),
 * or the failures FastAPI does not report as `json_invalid` (undecodable bytes, an integer of
 * more than 4300 digits, nesting deeper than Python's recursion limit), which it answers with
 * `{"detail":"There was an error parsing the body"}`.
 *
 * Positions: `e.pos` is an index into the *decoded str*, i.e. a count of Unicode code points, not
 * of bytes (the seed's "offset 273" is a byte offset only for ASCII bodies). JS strings count
 * UTF-16 units, so an error position is converted once, on the error path.
 *
 * Messages and positions follow CPython 3.11's C scanner (Modules/_json.c) and json/decoder.py;
 * the fixture table json-errors.json was produced by that Python and is checked in the unit tests.
 * One pass over the text, no regular expressions, no backtracking.
 */

export type ScanResult =
  | { ok: true; value: PyValue }
  | { ok: false; kind: 'json'; msg: string; pos: number }
  | { ok: false; kind: 'unparsable' };

/** Python's default recursion limit is 1000 frames, part of them used by the server's own stack. */
const MAX_DEPTH = 900;
/** sys.int_info.default_max_str_digits (Python >= 3.11). */
const MAX_INT_DIGITS = 4300;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/** json.detect_encoding's BOM tests, in its order (UTF-32 before UTF-16). */
const BOMS: [readonly number[], Encoding][] = [
  [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xef, 0xbb, 0xbf], 'utf-8'],
];

/** The encoding and the BOM length, if the body starts with a BOM. */
function bomEncoding(raw: Uint8Array): [Encoding, number] | undefined {
  for (const [bom, encoding] of BOMS) {
    if (raw.length >= bom.length && bom.every((byte, i) => raw[i] === byte))
      return [encoding, bom.length];
  }
  return undefined;
}

/** json.detect_encoding's guess from where the first bytes are zero. */
function zeroPatternEncoding(raw: Uint8Array): Encoding {
  const [b0, b1, b2, b3] = raw;
  if (raw.length >= 4) {
    if (!b0) return b1 ? 'utf-16be' : 'utf-32be';
    if (!b1) return b2 || b3 ? 'utf-16le' : 'utf-32le';
  } else if (raw.length === 2) {
    if (!b0) return 'utf-16be';
    if (!b1) return 'utf-16le';
  }
  return 'utf-8';
}

/** json.detect_encoding + bytes.decode(encoding, 'surrogatepass'); undefined when it raises. */
export function decodeJsonBytes(raw: Uint8Array): string | undefined {
  const bom = bomEncoding(raw);
  const [encoding, skip] = bom ?? [zeroPatternEncoding(raw), 0];
  const bytes = skip ? raw.subarray(skip) : raw;
  switch (encoding) {
    case 'utf-8':
      return decodeUtf8(bytes);
    case 'utf-16le':
    case 'utf-16be':
      return decodeUtf16(bytes, encoding);
    case 'utf-32le':
    case 'utf-32be':
      return decodeUtf32(bytes, encoding === 'utf-32be');
  }
}

function decodeUtf8(raw: Uint8Array): string | undefined {
  if (!isUtf8(raw)) return undefined;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
}

function decodeUtf16(raw: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    return undefined;
  }
}

function decodeUtf32(raw: Uint8Array, bigEndian: boolean): string | undefined {
  if (raw.length % 4 !== 0) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let out = '';
  for (let i = 0; i < raw.length; i += 4) {
    const code = view.getUint32(i, !bigEndian);
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
  }
  return out;
}

/** A JSONDecodeError: Python's message and the JS index it points at. */
class JsonError extends Error {
  constructor(
    readonly msg: string,
    readonly index: number,
  ) {
    super(msg);
  }
}
/** A failure json.loads reports as something else (RecursionError, ValueError). */
class Unparsable extends Error {}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Python str index (code points) of a JS string index (UTF-16 units). */
export function codePointIndex(text: string, index: number): number {
  let pos = index;
  for (let i = 0; i < index - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      pos--;
      i++;
    }
  }
  return pos;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The named constants scan_once_unicode tries before a number, by first character. */
const KEYWORDS = new Map<number, { text: string; value: PyValue }>([
  [0x6e, { text: 'null', value: null }],
  [0x74, { text: 'true', value: true }],
  [0x66, { text: 'false', value: false }],
  [0x4e, { text: 'NaN', value: new PyFloat(NaN) }],
  [0x49, { text: 'Infinity', value: new PyFloat(Infinity) }],
  [0x2d, { text: '-Infinity', value: new PyFloat(-Infinity) }],
]);

const ESCAPES = new Map<number, string>([
  [0x22, '"'],
  [0x5c, '\\'],
  [0x2f, '/'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

class Scanner {
  /** Where the last scanned value ended (scan_once's next_idx). */
  private idx = 0;
  private depth = 0;
  private readonly last: number;
  constructor(private readonly s: string) {
    this.last = s.length - 1;
  }

  decode(): PyValue {
    const value = this.scanOnce(this.skipWs(0));
    const end = this.skipWs(this.idx);
    if (end !== this.s.length) throw new JsonError('Extra data', end);
    return value;
  }

  private skipWs(i: number): number {
    while (i <= this.last && isWs(this.s.charCodeAt(i))) i++;
    return i;
  }

  /** scan_once_unicode: a value at `i`; on return `this.idx` is just past it. */
  private scanOnce(i: number): PyValue {
    const s = this.s;
    if (i >= s.length) throw new JsonError('Expecting value', i);
    const c = s.charCodeAt(i);
    if (c === 0x22) return this.scanString(i + 1);
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_DEPTH) throw new Unparsable();
      const value = c === 0x7b ? this.parseObject(i + 1) : this.parseArray(i + 1);
      this.depth--;
      return value;
    }
    const keyword = KEYWORDS.get(c);
    if (keyword && s.startsWith(keyword.text, i)) {
      this.idx = i + keyword.text.length;
      return keyword.value;
    }
    return this.matchNumber(i);
  }

  /** _match_number_unicode, including its backtracking over a bare `.` or `e`. */
  private matchNumber(start: number): PyValue {
    const s = this.s;
    let i = s.charCodeAt(start) === 0x2d ? start + 1 : start;
    if (i > this.last) throw new JsonError('Expecting value', start);
    const first = s.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) i = this.digits(i + 1);
    else throw new JsonError('Expecting value', start);
    let isFloat = false;
    if (i < this.last && s.charCodeAt(i) === 0x2e && isDigit(s.charCodeAt(i + 1))) {
      isFloat = true;
      i = this.digits(i + 2);
    }
    const afterExponent = this.exponent(i);
    if (afterExponent !== i) {
      isFloat = true;
      i = afterExponent;
    }
    this.idx = i;
    return isFloat ? new PyFloat(Number(s.slice(start, i))) : pyInt(s.slice(start, i));
  }

  private digits(i: number): number {
    while (i <= this.last && isDigit(this.s.charCodeAt(i))) i++;
    return i;
  }

  /** The index after an exponent at `i`, or `i` when there is none. */
  private exponent(i: number): number {
    const s = this.s;
    if (!(i < this.last && (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45))) return i;
    let j = i + 1;
    if (j < this.last && (s.charCodeAt(j) === 0x2d || s.charCodeAt(j) === 0x2b)) j++;
    j = this.digits(j);
    return isDigit(s.charCodeAt(j - 1)) ? j : i;
  }

  /** scanstring_unicode; `end` is just past the opening quote. */
  private scanString(end: number): string {
    const s = this.s;
    const begin = end - 1;
    let out = '';
    for (;;) {
      const next = this.plainRun(end, begin);
      if (next !== end) out += s.slice(end, next);
      if (s.charCodeAt(next) === 0x22) {
        this.idx = next + 1;
        return out;
      }
      if (next + 1 === s.length) throw new JsonError('Unterminated string starting at', begin);
      out += this.escape(next + 1);
      end = this.idx;
    }
  }

  /** The index of the next quote or backslash at or after `from`. */
  private plainRun(from: number, begin: number): number {
    const s = this.s;
    for (let next = from; next < s.length; next++) {
      const c = s.charCodeAt(next);
      if (c === 0x22 || c === 0x5c) return next;
      if (c <= 0x1f) throw new JsonError('Invalid control character at', next);
    }
    throw new JsonError('Unterminated string starting at', begin);
  }

  /** The escape whose letter is at `next`; sets `this.idx` past it. */
  private escape(next: number): string {
    const c = this.s.charCodeAt(next);
    if (c !== 0x75) {
      const decoded = ESCAPES.get(c);
      if (decoded === undefined) throw new JsonError('Invalid \\escape', next - 1);
      this.idx = next + 1;
      return decoded;
    }
    let end = next + 5;
    if (end >= this.s.length) throw new JsonError('Invalid \\uXXXX escape', next);
    let code = this.hex4(next + 1, end);
    if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      end + 6 < this.s.length &&
      this.s.charCodeAt(end) === 0x5c &&
      this.s.charCodeAt(end + 1) === 0x75
    ) {
      const low = this.hex4(end + 2, end + 6);
      if (isLowSurrogate(low)) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        end += 6;
      }
    }
    this.idx = end;
    return String.fromCodePoint(code);
  }

  private hex4(from: number, end: number): number {
    let code = 0;
    for (let i = from; i < end; i++) {
      const digit = hexValue(this.s.charCodeAt(i));
      if (digit < 0) throw new JsonError('Invalid \\uXXXX escape', end - 5);
      code = (code << 4) | digit;
    }
    return code;
  }

  /** _parse_object_unicode; `start` is just past `{`. */
  private parseObject(start: number): PyDict {
    const map: PyDict = new Map();
    let i = this.skipWs(start);
    if (i > this.last || this.s.charCodeAt(i) !== 0x7d) {
      for (;;) {
        i = this.member(i, map);
        if (i <= this.last && this.s.charCodeAt(i) === 0x7d) break;
        i = this.skipWs(this.delimiter(i));
      }
    }
    this.idx = i + 1;
    return map;
  }

  /** One `"key": value` at `i` into `map`; returns the index after it and its whitespace. */
  private member(i: number, map: PyDict): number {
    if (i > this.last || this.s.charCodeAt(i) !== 0x22) {
      throw new JsonError('Expecting property name enclosed in double quotes', i);
    }
    const key = this.scanString(i + 1);
    i = this.skipWs(this.idx);
    if (i > this.last || this.s.charCodeAt(i) !== 0x3a)
      throw new JsonError("Expecting ':' delimiter", i);
    map.set(key, this.scanOnce(this.skipWs(i + 1)));
    return this.skipWs(this.idx);
  }

  private delimiter(i: number): number {
    if (i > this.last || this.s.charCodeAt(i) !== 0x2c)
      throw new JsonError("Expecting ',' delimiter", i);
    return i + 1;
  }

  /** _parse_array_unicode; `start` is just past `[`. */
  private parseArray(start: number): PyValue[] {
    const list: PyValue[] = [];
    let i = this.skipWs(start);
    if (i > this.last || this.s.charCodeAt(i) !== 0x5d) {
      for (;;) {
        list.push(this.scanOnce(i));
        i = this.skipWs(this.idx);
        if (i <= this.last && this.s.charCodeAt(i) === 0x5d) break;
        i = this.skipWs(this.delimiter(i));
      }
    }
    this.idx = i + 1;
    return list;
  }
}

/** A Python int literal: a number when exact in a double, else a bigint (4300 digits at most). */
function pyInt(literal: string): number | bigint {
  if (literal.length < 16) return Number(literal) || 0;
  if (literal.length > MAX_INT_DIGITS + 1) throw new Unparsable();
  const big = BigInt(literal);
  if (big >= -9007199254740991n && big <= 9007199254740991n) return Number(big);
  if (literal.replace('-', '').length > MAX_INT_DIGITS) throw new Unparsable();
  return big;
}

/**
 * The decoded text of a body parseJsonBody handed out as a `JSON.parse` object (the fast path),
 * kept on the object under a non-enumerable symbol (invisible to Object.keys, spreads and
 * JSON.stringify; a WeakMap
 * costs about half a JSON.parse more per request) so that validation can re-read the body
 * faithfully when it has errors to report.
 */
const SOURCE = Symbol('json source text');

export function rememberText(value: object, text: string): void {
  // Non-enumerable: not copied by spreads, not seen by deep equality.
  Object.defineProperty(value, SOURCE, { value: text });
}

export function bodyText(value: object): string | undefined {
  return (value as { [SOURCE]?: string })[SOURCE];
}

/** `json.loads(text)` for an already decoded body. */
export function scanJson(text: string): ScanResult {
  try {
    return { ok: true, value: new Scanner(text).decode() };
  } catch (error) {
    if (error instanceof JsonError) {
      return { ok: false, kind: 'json', msg: error.msg, pos: codePointIndex(text, error.index) };
    }
    if (error instanceof Unparsable || error instanceof RangeError)
      return { ok: false, kind: 'unparsable' };
    throw error;
  }
}
