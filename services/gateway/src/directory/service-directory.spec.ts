import { describe, expect, it } from 'vitest';
import { ServiceState } from '@maas/events';
import {
  type PresetAccessChange,
  ServiceDirectory,
  type ServiceSnapshot,
} from './service-directory.js';

const REGION = 'region-a';

let seq = 0;
function snapshot(over: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  seq += 1;
  return {
    serviceId: `svc-${seq}`,
    accountId: 'acct-1',
    projectId: 'proj-1',
    region: REGION,
    name: 'my-model',
    state: ServiceState.RUNNING,
    qps: 10,
    modelName: 'DeepSeek-R1',
    modelVersion: 'v1',
    contextLength: 32768,
    maxInputTokens: 28672,
    maxOutputTokens: 4096,
    k8sNamespace: 'maas-proj-1',
    k8sServiceName: `svc-${seq}`,
    port: 8000,
    deleted: false,
    version: 1n,
    preset: false,
    ...over,
  };
}

function access(over: Partial<PresetAccessChange> = {}): PresetAccessChange {
  return { accountId: 'acct-2', serviceId: 'preset-1', enabled: true, version: 1n, ...over };
}

const preset = (over: Partial<ServiceSnapshot> = {}) =>
  snapshot({
    serviceId: 'preset-1',
    accountId: 'platform',
    projectId: 'platform-proj',
    name: 'DeepSeek-R1',
    preset: true,
    ...over,
  });

describe('ServiceDirectory: versions', () => {
  it('keeps the highest version of a service and ignores older or equal ones', () => {
    const dir = new ServiceDirectory();
    const base = snapshot({ serviceId: 's1', qps: 5, version: 3n });
    expect(dir.applyServiceChanged(base)).toBe(true);
    expect(dir.applyServiceChanged({ ...base, qps: 1, version: 2n })).toBe(false);
    expect(dir.applyServiceChanged({ ...base, qps: 2, version: 3n })).toBe(false);
    expect(dir.get('s1')?.qps).toBe(5);
    expect(dir.applyServiceChanged({ ...base, qps: 7, version: 4n })).toBe(true);
    expect(dir.get('s1')).toMatchObject({ qps: 7, version: 4n });
  });

  it('removes a deleted service, and an older snapshot replayed afterwards does not revive it', () => {
    const dir = new ServiceDirectory();
    const base = snapshot({ serviceId: 's1', name: 'm', version: 1n });
    dir.applyServiceChanged(base);
    dir.applyServiceChanged({ ...base, deleted: true, state: ServiceState.DELETING, version: 2n });
    expect(dir.get('s1')).toBeUndefined();
    expect(dir.resolve('proj-1', 'acct-1', 'm')).toEqual({ ok: false, reason: 'unknown_model' });
    expect(dir.applyServiceChanged(base)).toBe(false);
    expect(dir.get('s1')).toBeUndefined();
    expect(dir.size).toBe(0);
  });

  it('follows a rename: the old name no longer resolves', () => {
    const dir = new ServiceDirectory();
    const base = snapshot({ serviceId: 's1', name: 'old' });
    dir.applyServiceChanged(base);
    dir.applyServiceChanged({ ...base, name: 'new', version: 2n });
    expect(dir.resolve('proj-1', 'acct-1', 'old').ok).toBe(false);
    expect(dir.resolve('proj-1', 'acct-1', 'new')).toMatchObject({ ok: true });
  });

  it('maps the snapshot fields and the state to its API value', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(
      snapshot({ serviceId: 's1', state: ServiceState.DEPLOYMENT_FAILED, version: 9n }),
    );
    expect(dir.get('s1')).toEqual({
      serviceId: 's1',
      accountId: 'acct-1',
      projectId: 'proj-1',
      region: REGION,
      name: 'my-model',
      modelName: 'DeepSeek-R1',
      modelVersion: 'v1',
      state: 'deployment_failed',
      callable: false,
      qps: 10,
      contextLength: 32768,
      maxInputTokens: 28672,
      maxOutputTokens: 4096,
      preset: false,
      namespace: 'maas-proj-1',
      k8sServiceName: expect.any(String),
      port: 8000,
      version: 9n,
    });
  });

  it('keeps only the services of its region when given one', () => {
    const dir = new ServiceDirectory({ region: REGION });
    dir.applyServiceChanged(snapshot({ serviceId: 'here' }));
    dir.applyServiceChanged(snapshot({ serviceId: 'there', region: 'region-b' }));
    expect(dir.get('here')).toBeDefined();
    expect(dir.get('there')).toBeUndefined();
  });
});

describe('ServiceDirectory: callable states (SPEC §5)', () => {
  const callable = [
    ServiceState.RUNNING,
    ServiceState.ALARM,
    ServiceState.UPDATING,
    ServiceState.UPGRADING,
  ];
  const notCallable = [
    ServiceState.UNSPECIFIED,
    ServiceState.QUEUING,
    ServiceState.DEPLOYING,
    ServiceState.STARTING,
    ServiceState.STOPPING,
    ServiceState.STOPPED,
    ServiceState.DEPLOYMENT_FAILED,
    ServiceState.DELETING,
  ];

  it.each(callable)('state %s resolves', (state) => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(snapshot({ serviceId: 's1', name: 'm', state }));
    expect(dir.resolve('proj-1', 'acct-1', 'm')).toMatchObject({
      ok: true,
      service: { serviceId: 's1', callable: true },
    });
  });

  it.each(notCallable)('state %s answers not_callable with the service', (state) => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(snapshot({ serviceId: 's1', name: 'm', state }));
    expect(dir.resolve('proj-1', 'acct-1', 'm')).toMatchObject({
      ok: false,
      reason: 'not_callable',
      service: { serviceId: 's1', callable: false },
    });
  });
});

describe('ServiceDirectory: resolution order', () => {
  it('finds a service by name only in its own project', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(snapshot({ serviceId: 's1', projectId: 'p1', name: 'm' }));
    expect(dir.resolve('p1', 'acct-1', 'm')).toMatchObject({ ok: true });
    expect(dir.resolve('p2', 'acct-1', 'm')).toEqual({ ok: false, reason: 'unknown_model' });
    expect(dir.resolve('p1', 'acct-1', 'other')).toEqual({ ok: false, reason: 'unknown_model' });
  });

  it("prefers the project's own service over a preset service of the same name", () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    dir.applyPresetAccess(access({ accountId: 'acct-1' }));
    dir.applyServiceChanged(snapshot({ serviceId: 'own', name: 'DeepSeek-R1' }));
    expect(dir.resolve('proj-1', 'acct-1', 'DeepSeek-R1')).toMatchObject({
      ok: true,
      service: { serviceId: 'own' },
    });
  });

  it('an own service that is not callable does not fall through to a preset one', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    dir.applyPresetAccess(access({ accountId: 'acct-1' }));
    dir.applyServiceChanged(
      snapshot({ serviceId: 'own', name: 'DeepSeek-R1', state: ServiceState.STOPPED }),
    );
    expect(dir.resolve('proj-1', 'acct-1', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'not_callable',
      service: { serviceId: 'own' },
    });
  });

  it('while a deleted name is reused, the callable service of that name wins', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(
      snapshot({ serviceId: 'old', name: 'm', state: ServiceState.DELETING }),
    );
    dir.applyServiceChanged(snapshot({ serviceId: 'new', name: 'm' }));
    dir.applyServiceChanged(
      snapshot({ serviceId: 'old', name: 'm', state: ServiceState.DELETING, version: 2n }),
    );
    expect(dir.resolve('proj-1', 'acct-1', 'm')).toMatchObject({
      ok: true,
      service: { serviceId: 'new' },
    });
    dir.applyServiceChanged(snapshot({ serviceId: 'old', name: 'm', deleted: true, version: 3n }));
    expect(dir.resolve('proj-1', 'acct-1', 'm')).toMatchObject({ service: { serviceId: 'new' } });
  });
});

describe('ServiceDirectory: preset services', () => {
  it('a preset service resolves from any project once the account enabled it', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'preset_not_enabled',
      service: { serviceId: 'preset-1' },
    });
    expect(dir.isPresetEnabled('acct-2', 'preset-1')).toBe(false);
    dir.applyPresetAccess(access());
    expect(dir.isPresetEnabled('acct-2', 'preset-1')).toBe(true);
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: true,
      service: { serviceId: 'preset-1', preset: true },
    });
    // Another account has not enabled it.
    expect(dir.resolve('other-proj', 'acct-3', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'preset_not_enabled',
    });
  });

  it('access changes follow their versions: higher wins, older or equal is ignored', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    expect(dir.applyPresetAccess(access({ version: 2n }))).toBe(true);
    expect(dir.applyPresetAccess(access({ enabled: false, version: 1n }))).toBe(false);
    expect(dir.applyPresetAccess(access({ enabled: false, version: 2n }))).toBe(false);
    expect(dir.isPresetEnabled('acct-2', 'preset-1')).toBe(true);
    expect(dir.applyPresetAccess(access({ enabled: false, version: 3n }))).toBe(true);
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'preset_not_enabled',
    });
  });

  it('an enabled preset service that is not callable answers not_callable', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset({ state: ServiceState.STOPPED }));
    dir.applyPresetAccess(access());
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: false,
      reason: 'not_callable',
      service: { serviceId: 'preset-1' },
    });
  });

  it('unpublishing (preset = false) makes it unknown to other projects, keeping the choice', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    dir.applyPresetAccess(access());
    dir.applyServiceChanged(preset({ preset: false, version: 2n }));
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toEqual({
      ok: false,
      reason: 'unknown_model',
    });
    // Still the platform project's own service.
    expect(dir.resolve('platform-proj', 'platform', 'DeepSeek-R1')).toMatchObject({ ok: true });
    dir.applyServiceChanged(preset({ version: 3n }));
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({ ok: true });
  });

  it('among preset services of one name, an enabled callable one is picked', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset({ serviceId: 'p-a', state: ServiceState.STOPPED }));
    dir.applyServiceChanged(preset({ serviceId: 'p-b', projectId: 'platform-2' }));
    dir.applyServiceChanged(preset({ serviceId: 'p-c', projectId: 'platform-3' }));
    dir.applyPresetAccess(access({ serviceId: 'p-a' }));
    dir.applyPresetAccess(access({ serviceId: 'p-c' }));
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toMatchObject({
      ok: true,
      service: { serviceId: 'p-c' },
    });
  });

  it('a deleted preset service is gone', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(preset());
    dir.applyPresetAccess(access());
    dir.applyServiceChanged(preset({ deleted: true, version: 2n }));
    expect(dir.resolve('tenant-proj', 'acct-2', 'DeepSeek-R1')).toEqual({
      ok: false,
      reason: 'unknown_model',
    });
  });
});

describe('ServiceDirectory.listFor', () => {
  it('lists own services and enabled preset services, own names shadowing presets, by name', () => {
    const dir = new ServiceDirectory();
    dir.applyServiceChanged(snapshot({ serviceId: 'own-b', name: 'b-model' }));
    dir.applyServiceChanged(
      snapshot({ serviceId: 'own-a', name: 'a-model', state: ServiceState.STOPPED }),
    );
    dir.applyServiceChanged(snapshot({ serviceId: 'foreign', projectId: 'proj-9', name: 'c' }));
    dir.applyServiceChanged(preset({ serviceId: 'p1', name: 'Qwen' }));
    dir.applyServiceChanged(preset({ serviceId: 'p2', name: 'DeepSeek-V3' }));
    dir.applyServiceChanged(preset({ serviceId: 'p3', name: 'b-model' }));
    dir.applyPresetAccess(access({ accountId: 'acct-1', serviceId: 'p1' }));
    dir.applyPresetAccess(access({ accountId: 'acct-1', serviceId: 'p3' }));
    expect(dir.listFor('proj-1', 'acct-1').map((s) => s.serviceId)).toEqual([
      'p1',
      'own-a',
      'own-b',
    ]);
    expect(dir.listFor('proj-9', 'acct-9').map((s) => s.serviceId)).toEqual(['foreign']);
  });
});
