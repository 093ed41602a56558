import { describe, expect, it } from 'vitest';
import { presetAccessKey, presetAccessMessage } from './preset-messages.js';

describe('presetAccessMessage', () => {
  it('is keyed by <account_id>:<service_id> and carries the access and its version', () => {
    const change = {
      accountId: '11111111-1111-4111-8111-111111111111',
      serviceId: '22222222-2222-4222-8222-222222222222',
      enabled: true,
      version: 3,
    };
    const message = presetAccessMessage(change, 'req-1');
    expect(message.schema.typeName).toBe('maas.deployments.v1.PresetServiceAccessChanged');
    expect(message).toMatchObject({
      accountId: change.accountId,
      aggregateType: 'preset_access',
      aggregateId: `${change.accountId}:${change.serviceId}`,
      requestId: 'req-1',
    });
    expect(message.aggregateId).toBe(presetAccessKey(change.accountId, change.serviceId));
    expect(message.payload).toEqual({
      accountId: change.accountId,
      serviceId: change.serviceId,
      enabled: true,
      version: 3n,
    });
  });
});
