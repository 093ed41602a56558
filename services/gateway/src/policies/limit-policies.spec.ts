import { describe, expect, it } from 'vitest';
import { LimitPolicies, type PolicySetChange } from './limit-policies.js';

const keyPolicy = (over: Partial<PolicySetChange> = {}): PolicySetChange => ({
  policyId: 'pol-1',
  subject: { case: 'keyId', value: 'key-1' },
  model: '',
  rpm: 60,
  tpm: 1000,
  qps: 0,
  version: 1n,
  ...over,
});

const servicePolicy = (over: Partial<PolicySetChange> = {}): PolicySetChange => ({
  policyId: 'pol-s',
  subject: { case: 'serviceId', value: 'svc-1' },
  model: '',
  rpm: 0,
  tpm: 0,
  qps: 5,
  version: 1n,
  ...over,
});

describe('LimitPolicies: key policies', () => {
  it('answers nothing for a key without policies', () => {
    expect(new LimitPolicies().keyLimits('key-1', 'm')).toEqual({});
  });

  it('a policy without model applies to every model; a model policy only to its model', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy());
    p.applyPolicySet(keyPolicy({ policyId: 'pol-2', model: 'm1', rpm: 5, tpm: 50 }));
    expect(p.keyLimits('key-1', 'm1')).toEqual({
      key: { rpm: 60, tpm: 1000 },
      keyModel: { rpm: 5, tpm: 50 },
    });
    expect(p.keyLimits('key-1', 'm2')).toEqual({ key: { rpm: 60, tpm: 1000 } });
    expect(p.keyLimits('key-2', 'm1')).toEqual({});
  });

  it('a model-only policy leaves the all-models limits absent', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy({ model: 'm1', rpm: 3, tpm: 0 }));
    expect(p.keyLimits('key-1', 'm1')).toEqual({ keyModel: { rpm: 3, tpm: 0 } });
  });

  it('limits of 0 mean no limit', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy({ rpm: 0, tpm: 0 }));
    expect(p.keyLimits('key-1', 'm')).toEqual({});
  });

  it('a higher version replaces; older or equal versions are ignored', () => {
    const p = new LimitPolicies();
    expect(p.applyPolicySet(keyPolicy({ rpm: 10, version: 2n }))).toBe(true);
    expect(p.applyPolicySet(keyPolicy({ rpm: 99, version: 1n }))).toBe(false);
    expect(p.applyPolicySet(keyPolicy({ rpm: 99, version: 2n }))).toBe(false);
    expect(p.keyLimits('key-1', '').key?.rpm).toBe(10);
    expect(p.applyPolicySet(keyPolicy({ rpm: 20, version: 3n }))).toBe(true);
    expect(p.keyLimits('key-1', '').key?.rpm).toBe(20);
  });

  it('a removed policy no longer applies, and an older set replayed after it stays ignored', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy({ version: 1n }));
    expect(
      p.applyPolicyRemoved({
        policyId: 'pol-1',
        subject: { case: 'keyId', value: 'key-1' },
        model: '',
        version: 2n,
      }),
    ).toBe(true);
    expect(p.keyLimits('key-1', 'm')).toEqual({});
    expect(p.applyPolicySet(keyPolicy({ version: 1n }))).toBe(false);
    expect(p.keyLimits('key-1', 'm')).toEqual({});
    expect(p.size).toBe(0);
  });

  it('a re-created policy (new id, next version of the slot) wins over the old removal, in any order', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy({ policyId: 'new', rpm: 7, version: 3n }));
    // The old policy's removal arrives late, from another partition.
    p.applyPolicyRemoved({
      policyId: 'old',
      subject: { case: 'keyId', value: 'key-1' },
      model: '',
      version: 2n,
    });
    p.applyTombstone('old');
    expect(p.keyLimits('key-1', 'm').key?.rpm).toBe(7);
  });

  it('a tombstone removes the policy it names', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy());
    p.applyPolicySet(servicePolicy());
    p.applyTombstone('pol-1');
    p.applyTombstone('unknown');
    expect(p.keyLimits('key-1', 'm')).toEqual({});
    expect(p.serviceQps('svc-1')).toBe(5);
  });

  it('ignores a message without subject', () => {
    const p = new LimitPolicies();
    expect(p.applyPolicySet(keyPolicy({ subject: { case: undefined } }))).toBe(false);
    expect(p.size).toBe(0);
  });
});

describe('LimitPolicies: service QPS', () => {
  it('answers the service policy QPS, undefined without one or when 0', () => {
    const p = new LimitPolicies();
    expect(p.serviceQps('svc-1')).toBeUndefined();
    p.applyPolicySet(servicePolicy());
    expect(p.serviceQps('svc-1')).toBe(5);
    expect(p.serviceQps('svc-2')).toBeUndefined();
    p.applyPolicySet(servicePolicy({ qps: 0, version: 2n }));
    expect(p.serviceQps('svc-1')).toBeUndefined();
  });

  it('a key policy and a service policy with the same subject id do not collide', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(keyPolicy({ subject: { case: 'keyId', value: 'x' } }));
    p.applyPolicySet(servicePolicy({ subject: { case: 'serviceId', value: 'x' } }));
    expect(p.keyLimits('x', '').key).toEqual({ rpm: 60, tpm: 1000 });
    expect(p.serviceQps('x')).toBe(5);
  });

  it('a removed service policy no longer applies', () => {
    const p = new LimitPolicies();
    p.applyPolicySet(servicePolicy());
    p.applyPolicyRemoved({
      policyId: 'pol-s',
      subject: { case: 'serviceId', value: 'svc-1' },
      model: '',
      version: 2n,
    });
    expect(p.serviceQps('svc-1')).toBeUndefined();
  });
});

describe('LimitPolicies: free quota', () => {
  it('exhausted per project and model until restored', () => {
    const p = new LimitPolicies();
    expect(p.freeQuotaUsedUp('proj-1', 'DeepSeek-R1')).toBe(false);
    p.applyFreeQuotaExhausted({ projectId: 'proj-1', model: 'DeepSeek-R1' });
    expect(p.freeQuotaUsedUp('proj-1', 'DeepSeek-R1')).toBe(true);
    expect(p.freeQuotaUsedUp('proj-1', 'DeepSeek-V3')).toBe(false);
    expect(p.freeQuotaUsedUp('proj-2', 'DeepSeek-R1')).toBe(false);
    p.applyFreeQuotaRestored({ projectId: 'proj-1', model: 'DeepSeek-R1' });
    expect(p.freeQuotaUsedUp('proj-1', 'DeepSeek-R1')).toBe(false);
  });

  it('a tombstone of the free-quota aggregate clears it', () => {
    const p = new LimitPolicies();
    p.applyFreeQuotaExhausted({ projectId: 'proj-1', model: 'm' });
    p.applyTombstone('proj-1:m');
    expect(p.freeQuotaUsedUp('proj-1', 'm')).toBe(false);
  });
});
