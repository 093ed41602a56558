import { type V1Endpoint, type V1EndpointSlice } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseEndpointOverride } from '@maas/config';
import { type InstanceLease, InstancePool, serviceKey } from './instance-pool.js';

const KEY = serviceKey('ns-1', 'svc-a');

function endpoint(ip: string, ready = true): V1Endpoint {
  return { addresses: [ip], conditions: { ready } };
}

function slice(
  name: string,
  endpoints: V1Endpoint[],
  over: { service?: string; namespace?: string; serviceId?: string; port?: number } = {},
): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    addressType: 'IPv4',
    metadata: {
      name,
      namespace: over.namespace ?? 'ns-1',
      labels: {
        'kubernetes.io/service-name': over.service ?? 'svc-a',
        ...(over.serviceId ? { 'maas.io/service-id': over.serviceId } : {}),
      },
    },
    endpoints,
    ports: [{ name: 'http', port: over.port ?? 8000, protocol: 'TCP' }],
  };
}

/** Acquires n leases and returns the instance ids in order. */
function pick(pool: InstancePool, n: number, key = KEY, held: InstanceLease[] = []): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const lease = pool.acquire(key);
    if (!lease) throw new Error('no instance');
    held.push(lease);
    ids.push(lease.instanceId);
  }
  return ids;
}

describe('InstancePool: readiness', () => {
  it('keeps only endpoints whose ready condition is true', () => {
    const pool = new InstancePool();
    pool.upsertSlice(
      slice('s1', [
        endpoint('10.0.0.1'),
        endpoint('10.0.0.2', false),
        { addresses: ['10.0.0.3'] },
        { addresses: ['10.0.0.4'], conditions: {} },
        { addresses: [] },
      ]),
    );
    expect(pool.readyCount(KEY)).toBe(1);
    expect(pool.instances(KEY)).toEqual([
      { instanceId: '10.0.0.1:8000', origin: 'http://10.0.0.1:8000', outstanding: 0 },
    ]);
  });

  it('an endpoint turning not ready leaves; turning ready again comes back', () => {
    const pool = new InstancePool();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2', false)]));
    expect(pool.instances(KEY).map((i) => i.instanceId)).toEqual(['10.0.0.1:8000']);
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    expect(pool.readyCount(KEY)).toBe(2);
  });

  it('a deleted slice takes its instances away; other slices of the service stay', () => {
    const pool = new InstancePool();
    const a = slice('s1', [endpoint('10.0.0.1')]);
    pool.upsertSlice(a);
    pool.upsertSlice(slice('s2', [endpoint('10.0.0.2')]));
    expect(pool.readyCount(KEY)).toBe(2);
    pool.deleteSlice(a);
    expect(pool.instances(KEY).map((i) => i.instanceId)).toEqual(['10.0.0.2:8000']);
    pool.deleteSlice(slice('s2', []));
    expect(pool.readyCount(KEY)).toBe(0);
    expect(pool.acquire(KEY)).toBeUndefined();
  });

  it('slices are filed by namespace and Service name; the service id label maps too', () => {
    const pool = new InstancePool();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1')], { serviceId: 'svc-id-1' }));
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.9')], { namespace: 'ns-2' }));
    expect(pool.readyCount(KEY)).toBe(1);
    expect(pool.readyCount(serviceKey('ns-2', 'svc-a'))).toBe(1);
    expect(pool.keyOfServiceId('svc-id-1')).toBe(KEY);
    expect(pool.keyOfServiceId('other')).toBeUndefined();
  });

  it('a slice without the service-name label is ignored; relabelling moves it', () => {
    const pool = new InstancePool();
    const unlabelled = slice('s1', [endpoint('10.0.0.1')]);
    delete unlabelled.metadata!.labels!['kubernetes.io/service-name'];
    pool.upsertSlice(unlabelled);
    expect(pool.readyCount(KEY)).toBe(0);
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1')]));
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1')], { service: 'svc-b' }));
    expect(pool.readyCount(KEY)).toBe(0);
    expect(pool.readyCount(serviceKey('ns-1', 'svc-b'))).toBe(1);
  });

  it('uses the port named http, brackets IPv6, ignores FQDN slices', () => {
    const pool = new InstancePool();
    const s = slice('s1', [endpoint('10.0.0.1')]);
    s.ports = [
      { name: 'metrics', port: 9090 },
      { name: 'http', port: 8080 },
    ];
    pool.upsertSlice(s);
    expect(pool.instances(KEY)[0].origin).toBe('http://10.0.0.1:8080');
    const v6 = slice('s2', [endpoint('fd00::7')], { service: 'v6' });
    v6.addressType = 'IPv6';
    pool.upsertSlice(v6);
    expect(pool.instances(serviceKey('ns-1', 'v6'))[0]).toMatchObject({
      instanceId: '[fd00::7]:8000',
      origin: 'http://[fd00::7]:8000',
    });
    const fqdn = slice('s3', [endpoint('model.example')], { service: 'f' });
    fqdn.addressType = 'FQDN';
    pool.upsertSlice(fqdn);
    expect(pool.readyCount(serviceKey('ns-1', 'f'))).toBe(0);
  });

  it('the endpoint override replaces the origin, not the instance identity', () => {
    const pool = new InstancePool(
      parseEndpointOverride('10.244.0.0/16=http://127.0.0.1:18000,http://127.0.0.1:18001'),
    );
    pool.upsertSlice(slice('s1', [endpoint('10.244.0.4'), endpoint('10.244.0.5')]));
    expect(pool.instances(KEY)).toEqual([
      { instanceId: '10.244.0.4:8000', origin: 'http://127.0.0.1:18000', outstanding: 0 },
      { instanceId: '10.244.0.5:8000', origin: 'http://127.0.0.1:18001', outstanding: 0 },
    ]);
  });
});

describe('InstancePool: least outstanding requests', () => {
  const three = () =>
    slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2'), endpoint('10.0.0.3')]);

  it('ties go round-robin', () => {
    const pool = new InstancePool();
    pool.upsertSlice(three());
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const lease = pool.acquire(KEY)!;
      ids.push(lease.instanceId);
      lease.release();
    }
    expect(ids).toEqual([
      '10.0.0.1:8000',
      '10.0.0.2:8000',
      '10.0.0.3:8000',
      '10.0.0.1:8000',
      '10.0.0.2:8000',
      '10.0.0.3:8000',
    ]);
  });

  it('picks the instance with the fewest requests in flight', () => {
    const pool = new InstancePool();
    pool.upsertSlice(three());
    const held: InstanceLease[] = [];
    // One each, then instance 1 and 3 get a second while 2 is released.
    pick(pool, 3, KEY, held);
    held[1].release();
    expect(pool.acquire(KEY)!.instanceId).toBe('10.0.0.2:8000');
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([1, 1, 1]);
    const slow = held[0];
    held[2].release();
    expect(pool.acquire(KEY)!.instanceId).toBe('10.0.0.3:8000');
    slow.release();
    expect(pool.acquire(KEY)!.instanceId).toBe('10.0.0.1:8000');
  });

  it('spreads concurrent load evenly', () => {
    const pool = new InstancePool();
    pool.upsertSlice(three());
    pick(pool, 30);
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([10, 10, 10]);
  });

  it('skips excluded instances (a retry), undefined when all are excluded', () => {
    const pool = new InstancePool();
    pool.upsertSlice(three());
    const tried = new Set(['10.0.0.1:8000', '10.0.0.2:8000']);
    expect(pool.acquire(KEY, tried)!.instanceId).toBe('10.0.0.3:8000');
    tried.add('10.0.0.3:8000');
    expect(pool.acquire(KEY, tried)).toBeUndefined();
  });

  it('release is idempotent', () => {
    const pool = new InstancePool();
    pool.upsertSlice(three());
    const lease = pool.acquire(KEY)!;
    lease.release();
    lease.release();
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([0, 0, 0]);
  });

  it('keeps the in-flight counts across slice updates', () => {
    const pool = new InstancePool();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    const held: InstanceLease[] = [];
    pick(pool, 4, KEY, held); // two each
    held[0].release(); // 10.0.0.1 has 1, 10.0.0.2 has 2
    pool.upsertSlice(
      slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2'), endpoint('10.0.0.3')]),
    );
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([1, 2, 0]);
    expect(pool.acquire(KEY)!.instanceId).toBe('10.0.0.3:8000');
  });

  it('an instance that leaves and comes back while its requests run keeps their count', () => {
    const pool = new InstancePool();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    const lease = pool.acquire(KEY)!;
    expect(lease.instanceId).toBe('10.0.0.1:8000');
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1', false), endpoint('10.0.0.2')]));
    expect(pool.acquire(KEY)!.instanceId).toBe('10.0.0.2:8000');
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([1, 1]);
    lease.release();
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([0, 1]);
  });

  it('releasing a lease of a removed instance does not disturb the others', () => {
    const pool = new InstancePool();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1')]));
    const lease = pool.acquire(KEY)!;
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.2')]));
    lease.release();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1'), endpoint('10.0.0.2')]));
    expect(pool.instances(KEY).map((i) => i.outstanding)).toEqual([0, 0]);
  });

  it('a service with no ready instance answers undefined', () => {
    const pool = new InstancePool();
    expect(pool.acquire(KEY)).toBeUndefined();
    pool.upsertSlice(slice('s1', [endpoint('10.0.0.1', false)]));
    expect(pool.acquire(KEY)).toBeUndefined();
  });
});
