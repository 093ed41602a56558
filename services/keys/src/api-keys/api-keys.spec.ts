import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ApiKeyStatus } from '@maas/events';
import { type ApiKeyEntity } from './api-key.entity.js';
import { apiKeyChanged, apiKeyDeleted } from './api-key-events.js';
import { CreateApiKeyRequest } from './dto/create-api-key.request.js';

async function problems(body: Record<string, unknown>): Promise<string[]> {
  const errors = await validate(plainToInstance(CreateApiKeyRequest, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return errors.map((e) => e.property);
}

describe('CreateApiKeyRequest', () => {
  it('takes a tag of 1-100 [A-Za-z0-9_-] and a description of 1-100 characters', async () => {
    expect(await problems({ tag: 'A-z_09', description: 'd' })).toEqual([]);
    expect(await problems({ tag: 'x'.repeat(100), description: 'd'.repeat(100) })).toEqual([]);
    expect(await problems({ tag: 'x'.repeat(101), description: 'd' })).toEqual(['tag']);
    expect(await problems({ tag: 'a b', description: '' })).toEqual(['tag', 'description']);
  });

  it('binds services only with all_services = false, and then at least one', async () => {
    expect(
      await problems({ tag: 't', description: 'd', all_services: false, service_ids: ['s'] }),
    ).toEqual([]);
    expect(await problems({ tag: 't', description: 'd', all_services: false })).toEqual([
      'service_ids',
    ]);
    expect(await problems({ tag: 't', description: 'd', service_ids: ['s'] })).toEqual([
      'service_ids',
    ]);
    expect(
      await problems({ tag: 't', description: 'd', all_services: true, service_ids: [] }),
    ).toEqual(['service_ids']);
  });

  it('takes IPv4/IPv6 CIDRs and model names', async () => {
    expect(
      await problems({
        tag: 't',
        description: 'd',
        allowed_cidrs: ['10.0.0.0/8', '::1/128'],
        allowed_models: ['m'],
      }),
    ).toEqual([]);
    expect(await problems({ tag: 't', description: 'd', allowed_cidrs: ['10.0.0.0'] })).toEqual([
      'allowed_cidrs',
    ]);
    expect(await problems({ tag: 't', description: 'd', allowed_models: [''] })).toEqual([
      'allowed_models',
    ]);
  });
});

describe('maas.keys.v1 payloads', () => {
  const key: ApiKeyEntity = {
    id: '0b8a3c52-7d7e-4b59-a0a0-3a1f1f0c2d11',
    accountId: 'a',
    projectId: 'p',
    region: 'cn-southwest-2',
    tag: 't',
    description: 'd',
    secretHash: 'hmac-sha256:aa',
    secretPrefix: 'sk-ABCD',
    secretSuffix: 'WXYZ',
    previousSecretHash: 'hmac-sha256:bb',
    previousValidUntil: new Date('2026-03-01T00:00:10Z'),
    allServices: false,
    serviceIds: ['s1'],
    allowedCidrs: [],
    allowedModels: ['m'],
    frozen: false,
    frozenAt: null,
    frozenReason: '',
    version: 3,
    createdAt: new Date('2026-03-01T00:00:00Z'),
    rotatedAt: new Date('2026-03-01T00:00:05Z'),
    lastUsedAt: null,
  };

  it('carry the hash, scope, status and grace period, keyed by key id', () => {
    const event = apiKeyChanged(key, 'req-1');
    expect(event).toMatchObject({
      aggregateId: key.id,
      aggregateType: 'api_key',
      accountId: 'a',
      projectId: 'p',
      requestId: 'req-1',
    });
    expect(event.payload).toMatchObject({
      status: ApiKeyStatus.ACTIVE,
      secretHash: 'hmac-sha256:aa',
      previousSecretHash: 'hmac-sha256:bb',
      scope: { allServices: false, serviceIds: ['s1'], allowedModels: ['m'] },
      version: 3n,
    });
    expect(apiKeyDeleted(key).payload).toMatchObject({
      keyId: key.id,
      secretHash: 'hmac-sha256:aa',
      version: 4n,
    });
  });

  it('say FROZEN while the operator has frozen the key, with the rest of its state', () => {
    const frozen = { ...key, frozen: true, frozenAt: new Date(), frozenReason: 'abuse' };
    expect(apiKeyChanged(frozen).payload).toMatchObject({
      status: ApiKeyStatus.FROZEN,
      secretHash: 'hmac-sha256:aa',
      previousSecretHash: 'hmac-sha256:bb',
    });
  });
});
