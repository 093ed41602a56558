import { randomUUID } from 'node:crypto';
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type Message,
  type MessageInitShape,
  type MessageShape,
  type Registry,
} from '@bufbuild/protobuf';
import { anyPack, anyUnpack, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, type Envelope } from './gen/maas/events/v1/envelope_pb.js';
import { eventRegistry } from './registry.js';
import { topicOf, type Topic } from './topics.js';

/** What a producer says about one event; the envelope builder adds the id and the time. */
export interface EventInput<Desc extends DescMessage = DescMessage> {
  /** The generated schema of the payload, e.g. `UserCreatedSchema`; its package is the topic. */
  schema: Desc;
  payload: MessageInitShape<Desc>;
  accountId: string;
  /** Empty or absent for account-wide events. */
  projectId?: string;
  /** e.g. "user", "service", "api_key". */
  aggregateType: string;
  /** The Kafka key: events of one aggregate keep their order. */
  aggregateId: string;
  /** Defaults to 1. */
  schemaVersion?: number;
  traceId?: string;
  requestId?: string;
  /** Defaults to a new random UUID (set it only to re-emit a known event). */
  eventId?: string;
  /** Defaults to now. */
  occurredAt?: Date;
}

/** An envelope ready to write or send, with its routing: topic (without prefix) and key. */
export interface BuiltEvent {
  envelope: Envelope;
  topic: Topic;
  key: string;
  bytes: Uint8Array;
}

/**
 * A decoded event: the envelope's fields in TypeScript shapes and the unpacked payload.
 * `T` is the payload's generated message type.
 */
export interface DecodedEvent<T extends Message = Message> {
  eventId: string;
  type: string;
  accountId: string;
  projectId: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: Date;
  schemaVersion: number;
  traceId: string;
  requestId: string;
  payload: T;
  envelope: Envelope;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Builds the envelope of one event: packs the payload into `Any`, stamps id and time. */
export function buildEvent<Desc extends DescMessage>(input: EventInput<Desc>): BuiltEvent {
  const topic = topicOf(input.schema);
  const eventId = input.eventId ?? randomUUID();
  requireField('aggregateId', input.aggregateId);
  requireField('aggregateType', input.aggregateType);
  requireField('accountId', input.accountId);
  if (!isUuid(eventId)) throw new Error(`eventId must be a lowercase UUID, got "${eventId}"`);
  const payload = create(input.schema, input.payload);
  const envelope = create(EnvelopeSchema, {
    eventId,
    type: input.schema.typeName,
    accountId: input.accountId,
    projectId: input.projectId ?? '',
    aggregateType: input.aggregateType,
    aggregateId: input.aggregateId,
    occurredAt: timestampFromDate(input.occurredAt ?? new Date()),
    schemaVersion: input.schemaVersion ?? 1,
    payload: anyPack(input.schema, payload),
    traceId: input.traceId ?? '',
    requestId: input.requestId ?? '',
  });
  return { envelope, topic, key: input.aggregateId, bytes: encodeEnvelope(envelope) };
}

function requireField(name: string, value: string): void {
  if (!value) throw new Error(`event ${name} is required`);
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return toBinary(EnvelopeSchema, envelope);
}

/** Decodes a Kafka message value; throws on bytes that are not an Envelope. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return fromBinary(EnvelopeSchema, bytes);
}

/**
 * Unpacks the envelope's payload. With a schema, to that type (undefined if the payload is
 * another type); with a registry (default: every event message), to whatever type it is
 * (undefined if the registry does not know it).
 */
export function unpackPayload<Desc extends DescMessage>(
  envelope: Envelope,
  schema: Desc,
): MessageShape<Desc> | undefined;
export function unpackPayload(envelope: Envelope, registry?: Registry): Message | undefined;
export function unpackPayload(
  envelope: Envelope,
  schemaOrRegistry: DescMessage | Registry = eventRegistry,
): Message | undefined {
  if (!envelope.payload) return undefined;
  return schemaOrRegistry.kind === 'message'
    ? anyUnpack(envelope.payload, schemaOrRegistry)
    : anyUnpack(envelope.payload, schemaOrRegistry);
}

/**
 * Unpacks the envelope's payload to `schema`; throws when it is missing or another type (a
 * malformed event, e.g. for a replaying projection to count and skip).
 */
export function requirePayload<Desc extends DescMessage>(
  envelope: Envelope,
  schema: Desc,
): MessageShape<Desc> {
  const payload = unpackPayload(envelope, schema);
  if (!payload) {
    throw new Error(
      `payload is not a ${schema.typeName} (type URL ${envelope.payload?.typeUrl ?? 'none'})`,
    );
  }
  return payload;
}

/** The envelope's fields in TypeScript shapes, with the given unpacked payload. */
export function toDecodedEvent<T extends Message>(envelope: Envelope, payload: T): DecodedEvent<T> {
  return {
    eventId: envelope.eventId,
    type: envelope.type,
    accountId: envelope.accountId,
    projectId: envelope.projectId,
    aggregateType: envelope.aggregateType,
    aggregateId: envelope.aggregateId,
    occurredAt: envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0),
    schemaVersion: envelope.schemaVersion,
    traceId: envelope.traceId,
    requestId: envelope.requestId,
    payload,
    envelope,
  };
}

/**
 * Decodes bytes into an event with its payload unpacked via `registry`; throws if the bytes
 * are not an envelope or the payload's type is unknown or disagrees with `type`.
 */
export function parseEvent(bytes: Uint8Array, registry: Registry = eventRegistry): DecodedEvent {
  const envelope = decodeEnvelope(bytes);
  const payload = unpackPayload(envelope, registry);
  if (!payload)
    throw new Error(`event ${envelope.eventId}: cannot unpack payload of type "${envelope.type}"`);
  if (payload.$typeName !== envelope.type) {
    throw new Error(
      `event ${envelope.eventId}: type "${envelope.type}" but payload is ${payload.$typeName}`,
    );
  }
  return toDecodedEvent(envelope, payload);
}
