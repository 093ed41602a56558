// kube-apiserver restarts under the reconciler (opt-in: it stops a server of the shared
// stack; run with MAAS_TEST_APISERVER_RESTART=1). While the API server is down the API
// keeps working (a service is deployed, another stopped); the leader cannot renew its Lease
// and steps down, its informers fail; when the API server is back it leads again, re-lists,
// and converges — without duplicate objects or repeated events.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { type ServiceState } from '../src/lifecycle/index.js';
import { Reconciler } from '../src/reconciler/reconciler.js';
import { deployBody, Harness, type Tenant } from './harness.js';
import { apps, KwokPool, removeLease, removeNamespace } from './kwok.js';

const STACK = fileURLToPath(new URL('../../../deploy/local/stack.sh', import.meta.url));
const enabled = process.env.MAAS_TEST_APISERVER_RESTART === '1';

const h = new Harness();
const leaseName = `lease-${h.schema.replaceAll('_', '-')}`;
const nodes = new KwokPool({ nodes: 1, npusPerNode: 8 });
let t: Tenant;
let pool: { id: string };

const url = (id?: string) => `/v1/${t.projectId}/services${id ? `/${id}` : ''}`;
const stateOf = async (id: string) =>
  (await h.request('GET', url(id), t.token)).json<{ status: ServiceState }>().status;
async function deploy(): Promise<string> {
  const res = await h.request('POST', url(), t.token, deployBody(pool.id));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ service_id: string }>().service_id;
}
async function reasons(id: string): Promise<string[]> {
  const rows: { reason: string }[] = await h.db.query(
    `SELECT reason FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
    [id],
  );
  return rows.map((r) => r.reason);
}

describe.skipIf(!enabled)('kube-apiserver restart', () => {
  beforeAll(async () => {
    await nodes.create();
    await h.start({
      RECONCILER: 'true',
      RECONCILER_LEASE_NAME: leaseName,
      RECONCILER_LEASE_DURATION_MS: '3000',
      RECONCILER_RENEW_DEADLINE_MS: '2000',
      RECONCILER_RETRY_PERIOD_MS: '500',
      KUBE_REQUEST_TIMEOUT_MS: '2000',
    });
    t = await h.tenant({ accountId: nodes.accountId });
    const res = await h.request('POST', `/v1/${t.projectId}/pools`, t.token, {
      name: `kwok-${nodes.label}`.slice(0, 60),
      flavors: ['ascend-910b-1'],
      ...nodes.poolFields,
    });
    expect(res.statusCode, res.body).toBe(201);
    pool = res.json();
  });

  afterAll(async () => {
    execFileSync('bash', [STACK, 'up', 'kubernetes'], { stdio: 'ignore' }); // always restore
    await h.stop();
    await removeNamespace(`maas-${t.projectId}`);
    await nodes.delete();
    await removeLease(leaseName);
  });

  it('converges after the API server comes back, nothing duplicated', async () => {
    const reconciler = h.app.get(Reconciler);
    const running = await deploy();
    await eventually(async () => (await stateOf(running)) === 'running', { timeoutMs: 20_000 });

    execFileSync('bash', [STACK, 'down', 'kube-apiserver'], { stdio: 'ignore' });
    try {
      await eventually(() => !reconciler.isLeader, {
        timeoutMs: 15_000,
        description: 'the leader stepping down without its API server',
      });
      const added = await deploy(); // the API still works
      const stopped = running;
      const res = await h.request('PUT', url(stopped), t.token, { status: 'stopped' });
      expect(res.statusCode, res.body).toBe(200);
      expect(await stateOf(added)).toBe('queuing');
      expect(await stateOf(stopped)).toBe('stopping');

      execFileSync('bash', [STACK, 'up', 'kubernetes'], { stdio: 'ignore' });
      await eventually(() => reconciler.isReconciling, {
        timeoutMs: 60_000,
        description: 'leading again',
      });
      await eventually(
        async () => (await stateOf(added)) === 'running' && (await stateOf(stopped)) === 'stopped',
        { timeoutMs: 60_000, intervalMs: 250, description: 'both services converged' },
      );
      expect(await reasons(added)).toEqual(['Queued', 'Deploying', 'Deployed']);
      expect(await reasons(stopped)).toEqual([
        'Queued',
        'Deploying',
        'Deployed',
        'StopRequested',
        'Stopped',
      ]);
      const { items } = await apps.listNamespacedDeployment({ namespace: `maas-${t.projectId}` });
      expect(items.map((d) => d.metadata?.name).sort()).toEqual(
        [`ms-${added}`, `ms-${stopped}`].sort(),
      );
      expect(items.find((d) => d.metadata?.name === `ms-${stopped}`)?.spec?.replicas).toBe(0);
    } finally {
      execFileSync('bash', [STACK, 'up', 'kubernetes'], { stdio: 'ignore' });
    }
  }, 180_000);
});
