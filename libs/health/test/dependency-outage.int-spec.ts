// Readiness that does not cascade (SPEC §10, STYLE "Health"), on the running services of the
// local stack (`bash deploy/local/services.sh up`, built from this tree): Kafka, Redis and the
// kube-apiserver are each stopped for 30 s. Meanwhile every admin API keeps answering a read
// and a write, every /health/ready stays 200 and /health shows the outage; afterwards every
// event written meanwhile is delivered. Opt-in (it stops parts of the shared stack; run it
// rarely): MAAS_TEST_OUTAGE=1 npx vitest run --project integration libs/health/test/dependency-outage.int-spec.ts
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, loadStackEnv, repoRoot, withDb } from '@maas/testing';

const run = promisify(execFile);
const enabled = process.env.MAAS_TEST_OUTAGE === '1';
const OUTAGE_MS = 30_000;
const SERVICES = { iam: 3001, deployments: 3002, keys: 3003, quotas: 3004 } as const;
type Service = keyof typeof SERVICES;
const SCHEMAS: Service[] = ['iam', 'keys', 'quotas', 'deployments'];

/** The components stopped, how to bring each back, and a service whose /health shows it. */
const OUTAGES = [
  { component: 'kafka', restart: 'kafka', dependency: 'kafka', shownBy: 'iam' },
  { component: 'redis', restart: 'redis', dependency: 'redis', shownBy: 'deployments' },
  {
    component: 'kube-apiserver',
    restart: 'kubernetes',
    dependency: 'kubernetes',
    shownBy: 'deployments',
  },
] as const;

const stackScript = join(repoRoot, 'deploy/local/stack.sh');
const stack = (verb: 'up' | 'down', component: string) =>
  run('bash', [stackScript, verb, component], { timeout: 180_000 });
const stopped = new Set<string>();

/** KEY=value lines of the stack's local secrets (the README's demo sign-in). */
function localSecrets(): Record<string, string> {
  const text = readFileSync(join(loadStackEnv().MAAS_STACK_STATE, 'secrets.env'), 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^([A-Z_]+)=(?:'([^']*)'|(.*))$/gm)].map((m) => [m[1], m[2] ?? m[3]]),
  );
}

interface Answer {
  status: number;
  json: () => Promise<Record<string, unknown>>;
  headers: Headers;
}

async function call(
  service: Service,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['x-auth-token'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${SERVICES[service]}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: () => Promise.resolve(JSON.parse(text)),
  };
}

let token: string;
let projectId: string;
let operatorToken: string;
const createdUsers: string[] = [];

async function expectStatus(what: string, answer: Promise<Answer>, status: number) {
  const res = await answer;
  expect({ what, status: res.status }).toEqual({ what, status });
  return res;
}

/** Every service ready, and a read and a write each, answered. */
async function everyServiceServes(round: string): Promise<void> {
  for (const service of Object.keys(SERVICES) as Service[]) {
    await expectStatus(`${round}: ${service} ready`, call(service, 'GET', '/health/ready'), 200);
  }
  await expectStatus(`${round}: iam read`, call('iam', 'GET', '/v3/users', { token }), 200);
  const user = await expectStatus(
    `${round}: iam write`,
    call('iam', 'POST', '/v3/users', {
      token,
      body: { name: `outage-${randomUUID().slice(0, 8)}`, password: 'Outage-Pass-2026' },
    }),
    201,
  );
  createdUsers.push((await user.json()).id as string);

  const keys = `/v1/${projectId}/api-keys`;
  await expectStatus(`${round}: keys read`, call('keys', 'GET', keys, { token }), 200);
  const key = await expectStatus(
    `${round}: keys write`,
    call('keys', 'POST', keys, { token, body: { tag: 'outage', description: round } }),
    201,
  );
  const keyId = (await key.json()).id as string;
  await expectStatus(
    `${round}: keys delete`,
    call('keys', 'DELETE', `${keys}/${keyId}`, { token }),
    204,
  );

  const quotas = `/v1/${projectId}/quotas`;
  await expectStatus(`${round}: quotas read`, call('quotas', 'GET', quotas, { token }), 200);
  await expectStatus(
    `${round}: quotas write`,
    call('quotas', 'PUT', quotas, {
      headers: { 'x-operator-token': operatorToken },
      body: { resources: [{ type: 'agencies', quota: null }] },
    }),
    200,
  );

  const pools = `/v1/${projectId}/pools`;
  await expectStatus(
    `${round}: deployments read`,
    call('deployments', 'GET', pools, { token }),
    200,
  );
  const pool = await expectStatus(
    `${round}: deployments write`,
    call('deployments', 'POST', pools, {
      token,
      body: { name: `outage-${randomUUID().slice(0, 8)}`, flavors: ['ascend-910b-1'] },
    }),
    201,
  );
  const poolId = (await pool.json()).id as string;
  await expectStatus(
    `${round}: deployments delete`,
    call('deployments', 'DELETE', `${pools}/${poolId}`, { token, body: { confirm: 'DELETE' } }),
    204,
  );
}

async function healthOf(service: Service) {
  const res = await call(service, 'GET', '/health');
  return {
    status: res.status,
    body: (await res.json()) as { status: string; details: Record<string, { status: string }> },
  };
}

async function unsentSince(since: Date): Promise<Record<string, number>> {
  return withDb(async (db) => {
    const out: Record<string, number> = {};
    for (const schema of SCHEMAS) {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}".outbox WHERE created_at >= $1 AND sent_at IS NULL`,
        [since],
      );
      out[schema] = Number(rows[0].n);
    }
    return out;
  });
}

async function writtenSince(since: Date, schema: string): Promise<number> {
  return withDb(async (db) => {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".outbox WHERE created_at >= $1`,
      [since],
    );
    return Number(rows[0].n);
  });
}

describe.skipIf(!enabled)('a 30 s outage of a shared dependency', () => {
  beforeAll(async () => {
    const secrets = localSecrets();
    operatorToken = secrets.OPERATOR_TOKEN;
    const signIn = await fetch(`http://127.0.0.1:${SERVICES.iam}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: 'demo',
                password: secrets.DEMO_ROOT_PASSWORD,
                domain: { name: 'demo' },
              },
            },
          },
        },
      }),
    });
    expect(signIn.status).toBe(201);
    token = signIn.headers.get('x-subject-token') as string;
    const projects = (await (await call('iam', 'GET', '/v3/projects', { token })).json()) as {
      projects: { id: string }[];
    };
    projectId = projects.projects[0].id;
    await everyServiceServes('before');
  }, 60_000);

  afterAll(async () => {
    // Whatever happened, leave the shared stack running.
    for (const { component, restart } of OUTAGES) {
      if (stopped.has(component)) await stack('up', restart).catch(() => undefined);
    }
    for (const id of createdUsers) {
      await call('iam', 'DELETE', `/v3/users/${id}`, { token }).catch(() => undefined);
    }
  }, 240_000);

  it.each(OUTAGES)(
    'keeps every admin API answering and ready through $component down',
    async ({ component, restart, dependency, shownBy }) => {
      const since = new Date();
      stopped.add(component);
      await stack('down', component);
      try {
        const until = Date.now() + OUTAGE_MS;
        // The outage is real: the service that checks the dependency reports it on /health
        // (200, degraded) and in its metric, while staying ready.
        await eventually(
          async () => {
            const health = await healthOf(shownBy);
            return health.status === 200 && health.body.details[dependency].status === 'degraded';
          },
          { timeoutMs: 15_000, description: `${dependency} degraded on ${shownBy}'s /health` },
        );
        const metrics = await (await fetch(`http://127.0.0.1:${SERVICES[shownBy]}/metrics`)).text();
        expect(metrics).toMatch(
          new RegExp(`maas_dependency_up\\{dependency="${dependency}"[^}]*\\} 0`),
        );
        await everyServiceServes(`${component} down`);
        // Readiness checked continuously until the outage has lasted 30 s, then a last round.
        while (Date.now() < until) {
          for (const service of Object.keys(SERVICES) as Service[]) {
            await expectStatus(`${service} ready`, call(service, 'GET', '/health/ready'), 200);
          }
          await new Promise((resolve) => setTimeout(resolve, 250)); // pacing, not waiting
        }
        await everyServiceServes(`${component} down for 30 s`);
      } finally {
        await stack('up', restart);
        stopped.delete(component);
      }

      // Afterwards: every event written meanwhile reaches Kafka (the outboxes drain), the IAM
      // users created meanwhile reach the other services' projections, /health is ok again.
      expect(await writtenSince(since, 'iam')).toBeGreaterThan(0);
      expect(await writtenSince(since, 'keys')).toBeGreaterThan(0);
      await eventually(async () => Object.values(await unsentSince(since)).every((n) => n === 0), {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: 'every outbox drained',
      });
      const lastUser = createdUsers.at(-1) as string;
      await eventually(
        () =>
          withDb(async (db) => {
            const { rows } = await db.query(
              `SELECT 1 FROM "keys".iam_user_permissions WHERE user_id = $1`,
              [lastUser],
            );
            return rows.length === 1;
          }),
        { timeoutMs: 60_000, intervalMs: 500, description: "keys' projection of the new user" },
      );
      await eventually(async () => (await healthOf(shownBy)).body.status === 'ok', {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: `${shownBy}'s /health ok again`,
      });
    },
    300_000,
  );
});
