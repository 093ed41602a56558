import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { anyPack, anyUnpack, timestampDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { buildEvent, decodeEnvelope, parseEvent, unpackPayload } from './envelope.js';
import {
  ServiceState,
  ServiceStateChangedSchema,
} from './gen/maas/deployments/v1/deployments_pb.js';
import { EnvelopeSchema } from './gen/maas/events/v1/envelope_pb.js';
import { UserCreatedSchema, UserDeletedSchema } from './gen/maas/iam/v1/iam_pb.js';
import { ApiKeyCreatedSchema } from './gen/maas/keys/v1/keys_pb.js';
import { RateLimitPolicySetSchema } from './gen/maas/quotas/v1/quotas_pb.js';
import { UsageRecordedSchema } from './gen/maas/usage/v1/usage_pb.js';
import { ALL_TOPICS, Topic, topicName, topicOf } from './topics.js';

const occurredAt = new Date('2026-03-01T12:34:56.789Z');

function userCreated() {
  return buildEvent({
    schema: UserCreatedSchema,
    payload: { userId: 'u-1', accountId: 'acc-1', name: 'alice', root: false },
    accountId: 'acc-1',
    projectId: 'proj-1',
    aggregateType: 'user',
    aggregateId: 'u-1',
    occurredAt,
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    requestId: 'req-1',
  });
}

describe('buildEvent', () => {
  it('fills the envelope, routes by package and keys by aggregate id', () => {
    const built = userCreated();
    expect(built.topic).toBe(Topic.Iam);
    expect(built.key).toBe('u-1');
    expect(built.envelope.eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(built.envelope.type).toBe('maas.iam.v1.UserCreated');
    expect(built.envelope.payload?.typeUrl).toBe('type.googleapis.com/maas.iam.v1.UserCreated');
    expect(built.envelope.schemaVersion).toBe(1);
    expect(timestampDate(built.envelope.occurredAt!).toISOString()).toBe(occurredAt.toISOString());
  });

  it('gives every event its own id', () => {
    expect(userCreated().envelope.eventId).not.toBe(userCreated().envelope.eventId);
  });

  it('rejects events without aggregate, account or a UUID event id', () => {
    const base = { schema: UserDeletedSchema, payload: { userId: 'u' }, aggregateType: 'user' };
    expect(() => buildEvent({ ...base, accountId: 'a', aggregateId: '' })).toThrow(/aggregateId/);
    expect(() => buildEvent({ ...base, accountId: '', aggregateId: 'u' })).toThrow(/accountId/);
    expect(() =>
      buildEvent({ ...base, accountId: 'a', aggregateId: 'u', eventId: 'nope' }),
    ).toThrow(/UUID/);
  });

  it('refuses a message that is not an event (the envelope itself)', () => {
    expect(() =>
      buildEvent({
        schema: EnvelopeSchema,
        payload: {},
        accountId: 'a',
        aggregateType: 'x',
        aggregateId: 'x',
      }),
    ).toThrow(/not an event message/);
  });
});

describe('envelope round trip', () => {
  it('parses what it built, payload typed', () => {
    const built = userCreated();
    const event = parseEvent(built.bytes);
    expect(event).toMatchObject({
      eventId: built.envelope.eventId,
      type: 'maas.iam.v1.UserCreated',
      accountId: 'acc-1',
      projectId: 'proj-1',
      aggregateType: 'user',
      aggregateId: 'u-1',
      schemaVersion: 1,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      requestId: 'req-1',
    });
    expect(event.occurredAt.toISOString()).toBe(occurredAt.toISOString());
    expect(event.payload.$typeName).toBe('maas.iam.v1.UserCreated');
    expect(event.payload).toMatchObject({ userId: 'u-1', name: 'alice', accountId: 'acc-1' });
  });

  it('decodes with the generated types alone (what an outside TypeScript consumer does)', () => {
    const bytes = userCreated().bytes;
    const envelope = fromBinary(EnvelopeSchema, bytes);
    const user = anyUnpack(envelope.payload!, UserCreatedSchema);
    expect(user?.name).toBe('alice');
    expect(anyUnpack(envelope.payload!, UserDeletedSchema)).toBeUndefined();
  });

  it('round-trips one message of every context', () => {
    const events = [
      buildEvent({
        schema: ServiceStateChangedSchema,
        payload: {
          serviceId: 's-1',
          fromState: ServiceState.DEPLOYING,
          toState: ServiceState.DEPLOYMENT_FAILED,
          reason: 'unschedulable',
          message: '0/3 nodes have enough huawei.com/Ascend910',
        },
        accountId: 'a',
        projectId: 'p',
        aggregateType: 'service',
        aggregateId: 's-1',
      }),
      buildEvent({
        schema: ApiKeyCreatedSchema,
        payload: {
          keyId: 'k-1',
          tag: 'ci',
          secretHash: 'sha256:00ff',
          allServices: false,
          serviceIds: ['s-1', 's-2'],
        },
        accountId: 'a',
        aggregateType: 'api_key',
        aggregateId: 'k-1',
      }),
      buildEvent({
        schema: RateLimitPolicySetSchema,
        payload: {
          policyId: 'rl-1',
          subject: { case: 'keyId', value: 'k-1' },
          model: 'qwen',
          rpm: 60,
          tpm: 1000,
        },
        accountId: 'a',
        aggregateType: 'rate_limit_policy',
        aggregateId: 'rl-1',
      }),
      buildEvent({
        schema: UsageRecordedSchema,
        payload: {
          requestId: 'r-1',
          keyId: 'k-1',
          serviceId: 's-1',
          model: 'qwen',
          promptTokens: 3,
          completionTokens: 4,
          totalTokens: 7,
        },
        accountId: 'a',
        aggregateType: 'request',
        aggregateId: 'r-1',
      }),
    ];
    expect(events.map((e) => e.topic)).toEqual([
      Topic.Deployments,
      Topic.Keys,
      Topic.Quotas,
      Topic.Usage,
    ]);
    const [state, key, policy, usage] = events.map((e) => parseEvent(e.bytes).payload);
    expect(state).toMatchObject({
      fromState: ServiceState.DEPLOYING,
      toState: ServiceState.DEPLOYMENT_FAILED,
    });
    expect(key).toMatchObject({ serviceIds: ['s-1', 's-2'], secretHash: 'sha256:00ff' });
    expect(policy).toMatchObject({
      subject: { case: 'keyId', value: 'k-1' },
      rpm: 60,
      tpm: 1000,
      qps: 0,
    });
    expect(usage).toMatchObject({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
  });

  it('leaves a payload of an unknown type packed (undefined), and parseEvent refuses it', () => {
    const envelope = create(EnvelopeSchema, {
      eventId: '0b5e3c1e-8f3a-4c1e-9a6b-2f1d6c0e9a11',
      type: 'maas.iam.v1.Future',
      payload: { typeUrl: 'type.googleapis.com/maas.iam.v1.Future', value: new Uint8Array([8, 1]) },
    });
    expect(unpackPayload(envelope)).toBeUndefined();
    expect(() => parseEvent(toBinary(EnvelopeSchema, envelope))).toThrow(/cannot unpack/);
  });

  it('refuses an envelope whose type disagrees with its payload', () => {
    const payload = create(UserDeletedSchema, { userId: 'u' });
    const envelope = create(EnvelopeSchema, {
      eventId: '0b5e3c1e-8f3a-4c1e-9a6b-2f1d6c0e9a11',
      type: 'maas.iam.v1.UserCreated',
      payload: anyPack(UserDeletedSchema, payload),
    });
    expect(() => parseEvent(toBinary(EnvelopeSchema, envelope))).toThrow(
      /payload is maas.iam.v1.UserDeleted/,
    );
  });

  it('throws on bytes that are not an envelope', () => {
    expect(() => decodeEnvelope(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});

describe('topics', () => {
  it('are the SPEC §9 names, prefixed per run', () => {
    expect(ALL_TOPICS).toEqual([
      'maas.iam.v1',
      'maas.deployments.v1',
      'maas.keys.v1',
      'maas.quotas.v1',
      'maas.usage.v1',
    ]);
    expect(topicName(Topic.Keys, 't_x.')).toBe('t_x.maas.keys.v1');
    expect(topicOf(UsageRecordedSchema)).toBe(Topic.Usage);
  });
});
