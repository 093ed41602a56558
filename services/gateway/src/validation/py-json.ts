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

/** json.detect_encoding + bytes.decode(encoding, 'surrogatepass'); undefined when it raises. */
export function decodeJsonBytes(raw: Uint8Array): string | undefined {
  const b0 = raw[0];
  const b1 = raw[1];
  if (
    raw.length >= 4 &&
    ((b0 === 0 && b1 === 0 && raw[2] === 0xfe && raw[3] === 0xff) ||
      (b0 === 0xff && b1 === 0xfe && raw[2] === 0 && raw[3] === 0))
  ) {
    return decodeUtf32(raw.subarray(4), b0 === 0);
  }
  if (b0 === 0xfe && b1 === 0xff) return decodeUtf16(raw.subarray(2), 'utf-16be');
  if (b0 === 0xff && b1 === 0xfe) return decodeUtf16(raw.subarray(2), 'utf-16le');
  if (b0 === 0xef && b1 === 0xbb && raw[2] === 0xbf) return decodeUtf8(raw.subarray(3));
  if (raw.length >= 4) {
    if (b0 === 0) return b1 ? decodeUtf16(raw, 'utf-16be') : decodeUtf32(raw, true);
    if (b1 === 0) return raw[2] || raw[3] ? decodeUtf16(raw, 'utf-16le') : decodeUtf32(raw, false);
  } else if (raw.length === 2) {
    if (b0 === 0) return decodeUtf16(raw, 'utf-16be');
    if (b1 === 0) return decodeUtf16(raw, 'utf-16le');
  }
  return decodeUtf8(raw);
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

class JsonError {
  constructor(
    readonly msg: string,
    readonly index: number,
  ) {}
}
class Unparsable {}

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
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pos--;
        i++;
      }
    }
  }
  return pos;
}

class Scanner {
  private idx = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  decode(): PyValue {
    const s = this.s;
    let i = 0;
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
    const value = this.scanOnce(i);
    let end = this.idx;
    while (end < s.length && isWs(s.charCodeAt(end))) end++;
    if (end !== s.length) throw new JsonError('Extra data', end);
    return value;
  }

  /** scan_once_unicode: a value at `i`; on return `this.idx` is just past it. */
  private scanOnce(i: number): PyValue {
    const s = this.s;
    if (i >= s.length) throw new JsonError('Expecting value', i);
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22:
        return this.scanString(i + 1);
      case 0x7b:
        return this.nested(() => this.parseObject(i + 1));
      case 0x5b:
        return this.nested(() => this.parseArray(i + 1));
      case 0x6e:
        if (s.startsWith('null', i)) return this.done(i + 4, null);
        break;
      case 0x74:
        if (s.startsWith('true', i)) return this.done(i + 4, true);
        break;
      case 0x66:
        if (s.startsWith('false', i)) return this.done(i + 5, false);
        break;
      case 0x4e:
        if (s.startsWith('NaN', i)) return this.done(i + 3, new PyFloat(NaN));
        break;
      case 0x49:
        if (s.startsWith('Infinity', i)) return this.done(i + 8, new PyFloat(Infinity));
        break;
      case 0x2d:
        if (s.startsWith('-Infinity', i)) return this.done(i + 9, new PyFloat(-Infinity));
        break;
    }
    return this.matchNumber(i);
  }

  private done(next: number, value: PyValue): PyValue {
    this.idx = next;
    return value;
  }

  private nested(parse: () => PyValue): PyValue {
    if (++this.depth > MAX_DEPTH) throw new Unparsable();
    const value = parse();
    this.depth--;
    return value;
  }

  /** _match_number_unicode, including its backtracking over a bare `e` or `.`. */
  private matchNumber(start: number): PyValue {
    const s = this.s;
    const end = s.length - 1;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) {
      i++;
      if (i > end) throw new JsonError('Expecting value', start);
    }
    const first = s.charCodeAt(i);
    if (first >= 0x31 && first <= 0x39) {
      i++;
      while (i <= end && isDigit(s.charCodeAt(i))) i++;
    } else if (first === 0x30) {
      i++;
    } else {
      throw new JsonError('Expecting value', start);
    }
    let isFloat = false;
    if (i < end && s.charCodeAt(i) === 0x2e && isDigit(s.charCodeAt(i + 1))) {
      isFloat = true;
      i += 2;
      while (i <= end && isDigit(s.charCodeAt(i))) i++;
    }
    if (i < end && (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45)) {
      const eStart = i;
      i++;
      if (i < end && (s.charCodeAt(i) === 0x2d || s.charCodeAt(i) === 0x2b)) i++;
      while (i <= end && isDigit(s.charCodeAt(i))) i++;
      if (isDigit(s.charCodeAt(i - 1))) isFloat = true;
      else i = eStart;
    }
    const literal = s.slice(start, i);
    this.idx = i;
    if (isFloat) return new PyFloat(Number(literal));
    const digits = literal.length - (literal.charCodeAt(0) === 0x2d ? 1 : 0);
    if (digits > MAX_INT_DIGITS) throw new Unparsable();
    if (digits < 16) return Number(literal) || 0;
    const big = BigInt(literal);
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
  }

  /** scanstring_unicode; `end` is just past the opening quote. */
  private scanString(end: number): string {
    const s = this.s;
    const len = s.length;
    const begin = end - 1;
    let out = '';
    for (;;) {
      let next = end;
      let c = 0;
      for (; next < len; next++) {
        c = s.charCodeAt(next);
        if (c === 0x22 || c === 0x5c) break;
        if (c <= 0x1f) throw new JsonError('Invalid control character at', next);
      }
      if (next >= len || !(c === 0x22 || c === 0x5c)) {
        throw new JsonError('Unterminated string starting at', begin);
      }
      if (next !== end) out += s.slice(end, next);
      next++;
      if (c === 0x22) {
        this.idx = next;
        return out;
      }
      if (next === len) throw new JsonError('Unterminated string starting at', begin);
      c = s.charCodeAt(next);
      if (c !== 0x75) {
        end = next + 1;
        const decoded = simpleEscape(c);
        if (decoded === undefined) throw new JsonError('Invalid \\escape', end - 2);
        out += decoded;
        continue;
      }
      next++;
      end = next + 4;
      if (end >= len) throw new JsonError('Invalid \\uXXXX escape', next - 1);
      let code = this.hex4(next, end);
      next = end;
      if (
        code >= 0xd800 &&
        code <= 0xdbff &&
        end + 6 < len &&
        s.charCodeAt(next) === 0x5c &&
        s.charCodeAt(next + 1) === 0x75
      ) {
        end += 6;
        const low = this.hex4(next + 2, end);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        } else {
          end -= 6;
        }
      }
      out += String.fromCodePoint(code);
    }
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

  /** _parse_object_unicode; `i` is just past `{`. */
  private parseObject(start: number): PyDict {
    const s = this.s;
    const end = s.length - 1;
    const map: PyDict = new Map();
    let i = start;
    while (i <= end && isWs(s.charCodeAt(i))) i++;
    if (i > end || s.charCodeAt(i) !== 0x7d) {
      for (;;) {
        if (i > end || s.charCodeAt(i) !== 0x22) {
          throw new JsonError('Expecting property name enclosed in double quotes', i);
        }
        const key = this.scanString(i + 1);
        i = this.idx;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
        if (i > end || s.charCodeAt(i) !== 0x3a) throw new JsonError("Expecting ':' delimiter", i);
        i++;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
        const value = this.scanOnce(i);
        map.set(key, value);
        i = this.idx;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
        if (i <= end && s.charCodeAt(i) === 0x7d) break;
        if (i > end || s.charCodeAt(i) !== 0x2c) throw new JsonError("Expecting ',' delimiter", i);
        i++;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
      }
    }
    this.idx = i + 1;
    return map;
  }

  /** _parse_array_unicode; `i` is just past `[`. */
  private parseArray(start: number): PyValue[] {
    const s = this.s;
    const end = s.length - 1;
    const list: PyValue[] = [];
    let i = start;
    while (i <= end && isWs(s.charCodeAt(i))) i++;
    if (i > end || s.charCodeAt(i) !== 0x5d) {
      for (;;) {
        list.push(this.scanOnce(i));
        i = this.idx;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
        if (i <= end && s.charCodeAt(i) === 0x5d) break;
        if (i > end || s.charCodeAt(i) !== 0x2c) throw new JsonError("Expecting ',' delimiter", i);
        i++;
        while (i <= end && isWs(s.charCodeAt(i))) i++;
      }
    }
    this.idx = i + 1;
    return list;
  }
}

function simpleEscape(c: number): string | undefined {
  switch (c) {
    case 0x22:
      return '"';
    case 0x5c:
      return '\\';
    case 0x2f:
      return '/';
    case 0x62:
      return '\b';
    case 0x66:
      return '\f';
    case 0x6e:
      return '\n';
    case 0x72:
      return '\r';
    case 0x74:
      return '\t';
    default:
      return undefined;
  }
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
