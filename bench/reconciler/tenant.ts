// A tenant made the way a user and an operator make one (e2e/journey.ts does the same steps):
// the operator creates the account in IAM (X-Operator-Token), its root user signs in (a real
// IAM token, verified by the deployments service against IAM's JWKS), authorizes ModelArts for
// all its users, and creates a dedicated pool on the nodes the operator assigned to it. Every
// call is HTTP; the deployments service learns the account from IAM's snapshots on Kafka.
import { randomBytes } from 'node:crypto';
import { eventually } from '@maas/testing';
import { api, ApiError } from '../../e2e/support/http.js';
import type { Child } from '../gateway/processes.js';

export const REGION = 'cn-southwest-2';
export const FLAVOR = 'ascend-910b-1';

export interface Tenant {
  accountId: string;
  projectId: string;
  token: string;
}

export interface PoolNodes {
  node_selector: Record<string, string>;
  taint: { key: string; value: string; effect: 'NoSchedule' };
  npu_resource_name: string;
}

/** The operator creates an account; its root user signs in and authorizes ModelArts. */
export async function createTenant(
  iam: Child,
  operatorToken: string,
  name: string,
): Promise<Tenant> {
  const password = `Pw-${randomBytes(12).toString('hex')}`;
  const account = await api<{ id: string; projects: { id: string; region: string }[] }>(
    'POST',
    `${iam.url}/v3/accounts`,
    { operator: operatorToken, body: { name, root_password: password } },
  );
  const project = account.body.projects.find((p) => p.region === REGION);
  if (!project) throw new Error(`the account has no project in ${REGION}`);
  const signIn = await api('POST', `${iam.url}/v3/auth/tokens`, {
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name, password, domain: { name } } },
        },
      },
    },
  });
  const token = signIn.headers.get('x-subject-token');
  if (!token) throw new Error('no X-Subject-Token');
  await api('POST', `${iam.url}/v2/${project.id}/authorizations`, {
    token,
    body: { user_type: 'all_users' },
  });
  return { accountId: account.body.id, projectId: project.id, token };
}

/**
 * The root user creates a pool on the account's nodes, once the deployments service knows
 * the account (its IAM projection follows maas.iam.v1) and counts every node of the pool.
 */
export async function createPool(
  deployments: Child,
  tenant: Tenant,
  name: string,
  nodes: PoolNodes,
  expectedNpus: number,
): Promise<string> {
  const url = `${deployments.url}/v1/${tenant.projectId}/pools`;
  const created = await eventually(
    async () => {
      try {
        return await api<{ id: string }>('POST', url, {
          token: tenant.token,
          body: { name, flavors: [FLAVOR], description: 'reconciler benchmark', ...nodes },
        });
      } catch (error) {
        // 401/403/404 until the projection has the account, its project and the grant.
        if (error instanceof ApiError && [401, 403, 404].includes(error.status)) return false;
        throw error;
      }
    },
    { timeoutMs: 60_000, intervalMs: 250, description: 'the pool created (account projected)' },
  );
  const poolId = created.body.id;
  await eventually(
    async () => {
      const pool = await api<{ capacity: { npus: number } | null }>('GET', `${url}/${poolId}`, {
        token: tenant.token,
      });
      return pool.body.capacity?.npus === expectedNpus;
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `the pool counting ${expectedNpus} NPUs` },
  );
  return poolId;
}

/** A user's deploy request (SPEC §5; seed 002 Table 4-4): one instance of a small model. */
export function deployBody(poolId: string, n: number): Record<string, unknown> {
  return {
    service_name: `bench-${n}`,
    description: 'reconciler benchmark',
    config: [
      {
        model_id: 'qwen3-8b',
        model_version: '1.0.0',
        specification: FLAVOR,
        instance_count: 1,
        cluster_id: poolId,
      },
    ],
    qps: 10,
  };
}
