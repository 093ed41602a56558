import { timestampDate } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope, isUuid, unpackPayload, UsageRecordedSchema } from '@maas/events';

/** One UsageRecorded with its envelope's routing fields. */
export interface UsageEvent {
  eventId: string;
  accountId: string;
  projectId: string;
  keyId: string;
  serviceId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  presetService: boolean;
  /** The HTTP status the caller got; 0 in events published before the gateway sent it. */
  status: number;
  occurredAt: Date;
}

/** A request the caller got an error for (its tokens, if any, still count). */
export const isFailed = (e: Pick<UsageEvent, 'status'>): boolean => e.status >= 400;

/** A ledger counter: one bucket (minute or day) of one account/project/key/service/model. */
export interface UsageCounter {
  /** Start of the minute (ISO), or the day (YYYY-MM-DD), in UTC. */
  bucket: string;
  accountId: string;
  projectId: string;
  keyId: string;
  serviceId: string;
  model: string;
  /** Every recorded request, failed ones included. */
  requests: number;
  /** Requests answered with status >= 400. */
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface FreeTokenDelta {
  accountId: string;
  projectId: string;
  model: string;
  tokens: number;
}

export type Decoded =
  | { ok: true; event: UsageEvent }
  | { ok: false; reason: 'other_type' | 'malformed'; detail?: string };

/** Decodes one maas.usage.v1 message value. */
export function decodeUsage(value: Buffer | null): Decoded {
  if (!value) return { ok: false, reason: 'other_type' };
  try {
    const envelope = decodeEnvelope(value);
    if (!isUuid(envelope.eventId))
      return { ok: false, reason: 'malformed', detail: 'event id is not a UUID' };
    if (envelope.type !== UsageRecordedSchema.typeName) return { ok: false, reason: 'other_type' };
    const usage = unpackPayload(envelope, UsageRecordedSchema);
    if (!usage || !isUuid(envelope.accountId) || !envelope.occurredAt) {
      return {
        ok: false,
        reason: 'malformed',
        detail: 'not a UsageRecorded with an account and a time',
      };
    }
    return {
      ok: true,
      event: {
        eventId: envelope.eventId,
        accountId: envelope.accountId,
        projectId: envelope.projectId,
        keyId: usage.keyId,
        serviceId: usage.serviceId,
        model: usage.model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        totalTokens: usage.totalTokens,
        presetService: usage.presetService,
        status: usage.status,
        occurredAt: timestampDate(envelope.occurredAt),
      },
    };
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

const minuteOf = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

function addTo(map: Map<string, UsageCounter>, bucket: string, e: UsageEvent): void {
  const id = JSON.stringify([bucket, e.accountId, e.projectId, e.keyId, e.serviceId, e.model]);
  const c = map.get(id) ?? {
    bucket,
    accountId: e.accountId,
    projectId: e.projectId,
    keyId: e.keyId,
    serviceId: e.serviceId,
    model: e.model,
    requests: 0,
    failedRequests: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
  };
  c.requests += 1;
  if (isFailed(e)) c.failedRequests += 1;
  c.promptTokens += e.promptTokens;
  c.completionTokens += e.completionTokens;
  c.totalTokens += e.totalTokens;
  map.set(id, c);
}

/** Orders counters by primary key, so concurrent ledgers lock rows in the same order. */
function sorted(map: Map<string, UsageCounter>): UsageCounter[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

/** Sums events into minute and day counters, and the free tokens of preset models. */
export function aggregateUsage(events: readonly UsageEvent[]): {
  minutes: UsageCounter[];
  days: UsageCounter[];
  free: FreeTokenDelta[];
} {
  const minutes = new Map<string, UsageCounter>();
  const days = new Map<string, UsageCounter>();
  const free = new Map<string, FreeTokenDelta>();
  for (const e of events) {
    addTo(minutes, minuteOf(e.occurredAt), e);
    addTo(days, dayOf(e.occurredAt), e);
    if (e.presetService && e.totalTokens > 0) {
      const id = JSON.stringify([e.projectId, e.model]);
      const f = free.get(id) ?? {
        accountId: e.accountId,
        projectId: e.projectId,
        model: e.model,
        tokens: 0,
      };
      f.tokens += e.totalTokens;
      free.set(id, f);
    }
  }
  return { minutes: sorted(minutes), days: sorted(days), free: [...free.values()] };
}
