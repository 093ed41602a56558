import { describe, expect, it } from 'vitest';
import { callDescription } from './call-description.js';

describe('callDescription', () => {
  const service = { id: 'sid', name: 'my-model', projectId: 'pid', state: 'running' as const };

  it('gives the SPEC §8 paths and the service name as the model', () => {
    const call = callDescription('https://maas.example.com', service);
    expect(call.model).toBe('my-model');
    expect(call.callable).toBe(true);
    expect(Object.fromEntries(call.endpoints.map((e) => [e.api, `${e.method} ${e.url}`]))).toEqual({
      service: 'POST https://maas.example.com/v1/infers/sid/v1/chat/completions',
      service_models: 'GET https://maas.example.com/v1/infers/sid/v1/models',
      region: 'POST https://maas.example.com/v1/chat/completions',
      region_models: 'GET https://maas.example.com/v1/models',
      v1: 'POST https://maas.example.com/v1/pid/deployments/sid/chat/completions',
      v2: 'POST https://maas.example.com/api/v2/chat/completions',
    });
    expect(call.example).toContain('"model": "my-model"');
  });

  it('is not callable while stopped', () => {
    expect(callDescription('http://x', { ...service, state: 'stopped' }).callable).toBe(false);
  });
});
