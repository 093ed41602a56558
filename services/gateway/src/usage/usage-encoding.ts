import { UsageRecordedSchema } from '@maas/events';
import { type PendingUsage } from './usage-record.js';

// The UsageRecorded envelope written straight into one Buffer. buildEvent (create, anyPack,
// toBinary: reflective, several allocations) costs a few microseconds an event, several
// times this, and the gateway builds one per request, in batches on the event loop. The
// bytes are the same (a unit test compares them with buildEvent's for every field): field
// numbers of proto/maas/events/v1/envelope.proto and proto/maas/usage/v1/usage.proto, fields
// in number order, fields at their default value ('' / 0 / false) left out, as protobuf-es
// writes proto3.

const TYPE = UsageRecordedSchema.typeName;
const TYPE_URL = `type.googleapis.com/${TYPE}`;
const AGGREGATE_TYPE = 'request';
const SCHEMA_VERSION = 1;
const UINT32_MAX = 0xffff_ffff;
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** A count the proto's uint32 can carry (negative, fractional or huge values clamped). */
export function uint32(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.floor(value), UINT32_MAX);
}

/** Bytes of a non-negative integer as a varint (up to 2^53). */
function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size += 1;
  return size;
}

/** Bytes of a length-delimited field of `length` bytes (0 when empty: left out); fields < 16. */
const fieldSize = (length: number): number => (length === 0 ? 0 : 1 + varintSize(length) + length);
/** Bytes of a varint field (0 when 0: left out); fields < 16. */
const varintFieldSize = (value: number): number => (value === 0 ? 0 : 1 + varintSize(value));

class Writer {
  readonly buffer: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  get offset(): number {
    return this.at;
  }

  varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.at++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[this.at++] = v;
  }

  tag(field: number, wireType: number): void {
    this.buffer[this.at++] = (field << 3) | wireType;
  }

  /** A string field of `length` UTF-8 bytes; left out when empty. */
  string(field: number, value: string, length: number): void {
    if (length === 0) return;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.at += this.buffer.write(value, this.at, length, 'utf8');
  }

  /** A uint32/int32/int64/bool field; left out when 0. */
  number(field: number, value: number): void {
    if (value === 0) return;
    this.tag(field, VARINT);
    this.varint(value);
  }

  /** The header of an embedded message of `length` bytes. */
  message(field: number, length: number): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
  }
}

/**
 * The envelope of a record's UsageRecorded: aggregate "request" (id = request id), the
 * account and project, occurred_at = when the request finished, schema version 1, the
 * request id. Throws on a record without an account or a request id (as buildEvent does).
 */
export function encodeUsageEnvelope({ eventId, record: r }: PendingUsage): Uint8Array {
  if (!r.accountId) throw new Error('event accountId is required');
  if (!r.requestId) throw new Error('event aggregateId is required');
  const ms = r.finishedAt.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new Error('finishedAt is not a valid date');
  const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
  const len = {
    request: utf8(r.requestId),
    key: utf8(r.keyId),
    service: utf8(r.serviceId),
    model: utf8(r.model),
    account: utf8(r.accountId),
    project: utf8(r.projectId),
    event: utf8(eventId),
  };
  const counts = {
    prompt: uint32(r.promptTokens),
    completion: uint32(r.completionTokens),
    total: uint32(r.totalTokens),
    preset: r.presetService ? 1 : 0,
    status: uint32(r.status),
    latency: uint32(r.latencyMs),
    stream: r.stream ? 1 : 0,
  };
  // UsageRecorded: 1-4 strings, 5-11 counts and flags.
  const payload =
    fieldSize(len.request) +
    fieldSize(len.key) +
    fieldSize(len.service) +
    fieldSize(len.model) +
    Object.values(counts).reduce((n, v) => n + varintFieldSize(v), 0);
  // google.protobuf.Any { string type_url = 1; bytes value = 2; }
  const any = fieldSize(TYPE_URL.length) + fieldSize(payload);
  // google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  const timestamp = varintFieldSize(seconds) + varintFieldSize(nanos);
  const size =
    fieldSize(len.event) +
    fieldSize(TYPE.length) +
    fieldSize(len.account) +
    fieldSize(len.project) +
    fieldSize(AGGREGATE_TYPE.length) +
    fieldSize(len.request) +
    1 +
    varintSize(timestamp) +
    timestamp +
    varintFieldSize(SCHEMA_VERSION) +
    fieldSize(any) +
    fieldSize(len.request);

  const w = new Writer(size);
  w.string(1, eventId, len.event);
  w.string(2, TYPE, TYPE.length);
  w.string(3, r.accountId, len.account);
  w.string(4, r.projectId, len.project);
  w.string(5, AGGREGATE_TYPE, AGGREGATE_TYPE.length);
  w.string(6, r.requestId, len.request);
  w.message(7, timestamp);
  w.number(1, seconds);
  w.number(2, nanos);
  w.number(8, SCHEMA_VERSION);
  w.message(9, any);
  w.string(1, TYPE_URL, TYPE_URL.length);
  if (payload > 0) {
    w.message(2, payload);
    w.string(1, r.requestId, len.request);
    w.string(2, r.keyId, len.key);
    w.string(3, r.serviceId, len.service);
    w.string(4, r.model, len.model);
    w.number(5, counts.prompt);
    w.number(6, counts.completion);
    w.number(7, counts.total);
    w.number(8, counts.preset);
    w.number(9, counts.status);
    w.number(10, counts.latency);
    w.number(11, counts.stream);
  }
  // trace_id (10) is empty: left out.
  w.string(11, r.requestId, len.request);
  if (w.offset !== size) throw new Error(`usage envelope size ${w.offset}, expected ${size}`);
  return w.buffer;
}
