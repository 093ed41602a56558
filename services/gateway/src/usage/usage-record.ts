import { randomUUID } from 'node:crypto';
import { buildEvent, type BuiltEvent, UsageRecordedSchema } from '@maas/events';
import { encodeUsageEnvelope, uint32 } from './usage-encoding.js';

/**
 * What the gateway knows about one finished inference request (SPEC §7, §8): who called,
 * what was called, the tokens it used and how it ended. Failed requests are recorded too
 * (status >= 400, usually with 0 tokens): the ledger counts every request.
 */
export interface UsageRecord {
  requestId: string;
  accountId: string;
  projectId: string;
  /** '' for a call with an IAM token. */
  keyId: string;
  serviceId: string;
  /** The model name the request asked for. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** The call went to a preset service: its tokens count against the free quota (81005). */
  presetService: boolean;
  /** The HTTP status sent to the client. */
  status: number;
  latencyMs: number;
  stream: boolean;
  finishedAt: Date;
}

/** Records the usage of finished requests (the DI token the pipeline injects). */
export abstract class UsageRecorder {
  /** Never throws, never awaits Kafka on the caller's path. */
  abstract record(r: UsageRecord): void;
}

/** A usage record with the id its event carries on every (re-)send. */
export interface PendingUsage {
  eventId: string;
  record: UsageRecord;
}

/** One Kafka message of maas.usage.v1: key = request id, value = the envelope. */
export interface UsageMessage {
  key: string;
  value: Uint8Array;
}

/**
 * The event id of a record, fixed when the record is taken and kept with it through the
 * buffer and the spill file, so every re-send (after a failed send, an outage or a crash) is
 * the same event and the consumers' inboxes count it once. It is random rather than derived
 * from the request id because the request id may be the caller's x-request-id: a caller
 * re-using one must not have its calls counted once.
 */
export function pendingUsage(record: UsageRecord): PendingUsage {
  return { eventId: randomUUID(), record };
}

/**
 * The UsageRecorded event of a record, built by @maas/events' buildEvent (the reference the
 * fast encoder of usageMessage is tested against): aggregate "request" (id = request id, the Kafka
 * key), the account and project in the envelope, occurred_at = when the request finished
 * (it decides the minute and day the ledger counts it in). Throws on a record without an
 * account or request id (buildEvent's checks).
 */
export function usageEvent({ eventId, record: r }: PendingUsage): BuiltEvent {
  return buildEvent({
    schema: UsageRecordedSchema,
    payload: {
      requestId: r.requestId,
      keyId: r.keyId,
      serviceId: r.serviceId,
      model: r.model,
      promptTokens: uint32(r.promptTokens),
      completionTokens: uint32(r.completionTokens),
      totalTokens: uint32(r.totalTokens),
      presetService: r.presetService,
      status: uint32(r.status),
      latencyMs: uint32(r.latencyMs),
      stream: r.stream,
    },
    accountId: r.accountId,
    projectId: r.projectId,
    aggregateType: 'request',
    aggregateId: r.requestId,
    requestId: r.requestId,
    eventId,
    occurredAt: r.finishedAt,
  });
}

/** The Kafka message of a record (key = request id), encoded without reflection. */
export function usageMessage(pending: PendingUsage): UsageMessage {
  return { key: pending.record.requestId, value: encodeUsageEnvelope(pending) };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
