import { describe, expect, it } from 'vitest';
import { ServiceState } from '@maas/events';
import { type ModelServiceEntity } from './model-service.entity.js';
import { protoState } from '../lifecycle/index.js';
import { changeMessages } from './service-messages.js';

const service = {
  id: '11111111-1111-4111-8111-111111111111',
  accountId: '22222222-2222-4222-8222-222222222222',
  projectId: '33333333-3333-4333-8333-333333333333',
  region: 'cn-southwest-2',
  name: 'my-svc',
  state: 'running',
  qps: 20,
  instances: 2,
  modelId: 'qwen3-8b',
  modelName: 'Qwen3-8B',
  modelVersion: '1.0.0',
  variantId: '32k',
  contextLength: 32768,
  maxInputTokens: 24576,
  maxOutputTokens: 8192,
  poolId: '44444444-4444-4444-8444-444444444444',
  flavorId: 'ascend-910b-1',
  npusPerInstance: 1,
  k8sNamespace: 'maas-p',
  k8sName: 'ms-s',
  port: 8000,
} as ModelServiceEntity;

const base = {
  service,
  event: { reason: 'QpsChanged', message: 'm', from: 'running', to: 'running' } as const,
  eventId: '55555555-5555-4555-8555-555555555555',
  version: 7,
  occurredAt: new Date('2025-01-01T00:00:00Z'),
  removed: false,
  notification: null,
};

describe('changeMessages', () => {
  it('writes the state change first and the snapshot last', () => {
    const messages = changeMessages({ ...base, qpsBefore: 10 });
    expect(messages.map((m) => m.schema.typeName)).toEqual([
      'maas.deployments.v1.ServiceStateChanged',
      'maas.deployments.v1.ServiceQpsChanged',
      'maas.deployments.v1.ServiceChanged',
    ]);
    expect(messages.every((m) => m.aggregateId === service.id)).toBe(true);
    expect(messages[0].eventId).toBe(base.eventId);
    expect(messages[1].payload).toMatchObject({ oldQps: 10, newQps: 20, version: 7n });
    expect(messages[2].payload).toMatchObject({
      name: 'my-svc',
      state: ServiceState.RUNNING,
      callable: true,
      qps: 20,
      contextLength: 32768,
      k8sNamespace: 'maas-p',
      k8sServiceName: 'ms-s',
      deleted: false,
      version: 7n,
    });
  });

  it('adds the notification before the snapshot, and marks a removal deleted', () => {
    const messages = changeMessages({
      ...base,
      qpsBefore: 20,
      removed: true,
      notification: { id: '66666666-6666-4666-8666-666666666666', topic: 't', event: 'Deleted' },
    });
    expect(messages.map((m) => m.schema.typeName)).toEqual([
      'maas.deployments.v1.ServiceStateChanged',
      'maas.deployments.v1.ServiceNotification',
      'maas.deployments.v1.ServiceChanged',
    ]);
    expect(messages[2].payload).toMatchObject({ deleted: true, callable: false });
  });

  it('carries the preset flag in the snapshot', () => {
    const published = changeMessages({
      ...base,
      service: { ...service, preset: true },
      event: { reason: 'PresetPublished', message: 'm', from: 'running', to: 'running' },
      qpsBefore: 20,
    });
    expect(published.map((m) => m.schema.typeName)).toEqual([
      'maas.deployments.v1.ServiceStateChanged',
      'maas.deployments.v1.ServiceChanged',
    ]);
    expect(published[0].payload).toMatchObject({ reason: 'PresetPublished', version: 7n });
    expect(published[1].payload).toMatchObject({ preset: true, version: 7n });
    const plain = changeMessages({
      ...base,
      service: { ...service, preset: false },
      qpsBefore: 20,
    });
    expect(plain.at(-1)?.payload).toMatchObject({ preset: false });
  });

  it('maps API states to the proto enum', () => {
    expect(protoState(null)).toBe(ServiceState.UNSPECIFIED);
    expect(protoState('deployment_failed')).toBe(ServiceState.DEPLOYMENT_FAILED);
  });
});
