import { describe, expect, it } from 'vitest';
// Only this test reads the migration: it pins the runtime's name to the frozen one.
import { reconcileChannel as migrationChannel } from '../migrations/1765000000000-reconciler-notify.js';
import { parseDbChange, reconcileChannel } from './db-change-listener.js';

describe('parseDbChange', () => {
  it('reads the payloads the reconcile triggers write', () => {
    const id = '0b6f3c1e-8a53-4c55-9d7e-0d3f2a1b4c5d';
    expect(parseDbChange(id)).toEqual({ kind: 'service', serviceId: id });
    expect(parseDbChange(`pool:${id}`)).toEqual({ kind: 'pool', poolId: id });
  });

  it('reports a wake-up without payload (a reconnect) as unknown: resync', () => {
    expect(parseDbChange(undefined)).toEqual({ kind: 'unknown' });
    expect(parseDbChange('')).toEqual({ kind: 'unknown' });
  });
});

describe('reconcileChannel', () => {
  it('is the name the migration spells, cut to PostgreSQL’s 63 bytes', () => {
    expect(reconcileChannel('maas_deployments')).toBe('reconcile:maas_deployments');
    for (const schema of ['maas_deployments', 't_0123456789abcdef', 's'.repeat(80)])
      expect(reconcileChannel(schema)).toBe(migrationChannel(schema));
    expect(reconcileChannel('s'.repeat(80))).toHaveLength(63);
  });
});
