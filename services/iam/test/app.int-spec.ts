import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@maas/config';
import { createFastifyAdapter } from '@maas/observability';
import { createKafka } from '@maas/events';
import { eventually, loadStackEnv, repoRoot, uniqueName, uniqueTopicPrefix } from '@maas/testing';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { iamConfigSchema, type IamConfig } from '../src/config.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { migrationLockName, runMigrationsLocked } from '@maas/database';
import { MIGRATIONS } from '../src/migrations/index.js';

const stack = loadStackEnv();

interface ErrorJson {
  error_code: string;
  error_msg: string;
  request_id: string;
  details?: { fields?: { field: string; messages: string[] }[] };
}
interface HealthJson {
  status: string;
  details: Record<string, { status: string }>;
}
interface OpenApiJson {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}
const MIGRATION_NAMES = MIGRATIONS.map((m) => m.name);

const OPERATOR_TOKEN = 'operator-token-of-the-app-test-0123';
const operator = { 'x-operator-token': OPERATOR_TOKEN };
const ROOT_PASSWORD = 'Root-Pass-2026';

/** The template's behaviours need no relay: no topic is created by this file's apps. */
function configFor(schema: string, env: Record<string, string> = { OPERATOR_TOKEN }): IamConfig {
  return loadConfig(iamConfigSchema, {
    DATABASE_URL: stack.DATABASE_URL,
    KAFKA_BROKERS: stack.KAFKA_BROKERS,
    DB_SCHEMA: schema,
    LOG_LEVEL: 'warn',
    OUTBOX_RELAY: 'false',
    ...env,
  });
}

async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: stack.DATABASE_URL });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

async function deleteTopics(prefix: string): Promise<void> {
  const admin = createKafka({ brokers: stack.KAFKA_BROKERS, clientId: 'iam-app-test' }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

const dropSchema = (schema: string) =>
  withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

const appliedMigrations = (schema: string) =>
  withDb(async (db) => {
    const { rows } = await db.query<{ name: string }>(
      `SELECT name FROM "${schema}".migrations ORDER BY id`,
    );
    return rows.map((r) => r.name);
  });

/** A promise with its resolve function, to let a test pace a request handler. */
function signal() {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

const slow = { arrived: signal(), release: signal() };

@Controller('test-only')
class TestOnlyController {
  @Get('boom')
  boom(): never {
    throw new Error('kaboom at postgres://admin:hunter2@db.internal/iam');
  }

  /** Answers once the test releases it. */
  @Get('slow')
  async slow(): Promise<{ done: boolean }> {
    slow.arrived.fire();
    await slow.release.fired;
    return { done: true };
  }
}

async function bootApp(config: IamConfig): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    controllers: [TestOnlyController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
    bufferLogs: true,
  });
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('migrations', () => {
  const schema = uniqueName('iam');
  afterAll(() => dropSchema(schema));

  it('run once under the advisory lock when two migrators start together', async () => {
    const sources = await Promise.all(
      [1, 2].map(() => new DataSource(dataSourceOptions(configFor(schema))).initialize()),
    );
    const holder = new Client({ connectionString: stack.DATABASE_URL });
    await holder.connect();
    try {
      const lock = migrationLockName(schema);
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
      const runs = sources.map((source) => runMigrationsLocked(source));
      // Both migrators queue on the lock, and neither has touched the database meanwhile.
      await eventually(
        async () => {
          const { rows } = await holder.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted
                AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
            [lock],
          );
          return rows[0].waiting === 2;
        },
        { description: 'both migrators waiting on the lock' },
      );
      const { rows } = await holder.query('SELECT to_regnamespace($1) AS ns', [schema]);
      expect(rows[0].ns).toBeNull();
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
      const ran = await Promise.all(runs);
      // One of them applied everything; the other found nothing left to do.
      expect(ran.map((names) => names.length).sort()).toEqual([0, MIGRATION_NAMES.length]);
      expect(await appliedMigrations(schema)).toEqual(MIGRATION_NAMES);
    } finally {
      await holder.end();
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });
});

describe('the IAM app', () => {
  const schema = uniqueName('iam');
  let app: NestFastifyApplication;
  let replica: NestFastifyApplication;

  beforeAll(async () => {
    // Two replicas booting at once against an empty schema: both start. The replica has no
    // OPERATOR_TOKEN: its operator API is disabled.
    [app, replica] = await Promise.all([
      bootApp(configFor(schema)),
      bootApp(configFor(schema, {})),
    ]);
  });

  afterAll(async () => {
    await Promise.all([app?.close(), replica?.close()]);
    await dropSchema(schema);
  });

  it('applied each migration exactly once at boot', async () => {
    expect(await appliedMigrations(schema)).toEqual(MIGRATION_NAMES);
  });

  it('creates an account with its root user and projects, and shows it (operator API)', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: operator,
      payload: { name: 'acme', root_password: ROOT_PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'acme',
      created_at: expect.any(String),
      frozen: false,
      frozen_at: null,
      frozen_reason: '',
      root_user: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'acme' },
      projects: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'cn-southwest-2',
          region: 'cn-southwest-2',
        },
      ],
    });
    const shown = await app.inject({
      method: 'GET',
      url: `/v3/accounts/${account.id}`,
      headers: operator,
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(account);
    const rows = await withDb((db) =>
      db.query(`SELECT name FROM "${schema}".accounts WHERE id = $1`, [account.id]),
    );
    expect(rows.rows).toEqual([{ name: 'acme' }]);
  });

  it('keeps the operator API closed without the operator token, and disabled without one configured', async () => {
    const body = { name: 'intruder', root_password: ROOT_PASSWORD };
    for (const headers of [{}, { 'x-operator-token': 'guess-guess-guess-guess-guess' }]) {
      const res = await app.inject({ method: 'POST', url: '/v3/accounts', headers, payload: body });
      expect(res.statusCode).toBe(401);
      expect(res.json().error_code).toBe('IAM.0104');
    }
    const disabled = await replica.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: operator,
      payload: body,
    });
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().error_code).toBe('IAM.0103');
  });

  it('refuses a taken name with 409', async () => {
    const payload = { name: 'twice', root_password: ROOT_PASSWORD };
    await app.inject({ method: 'POST', url: '/v3/accounts', headers: operator, payload });
    const res = await app.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: operator,
      payload,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error_code).toBe('IAM.0102');
  });

  it('rejects an invalid body with 400 naming the field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: operator,
      payload: { name: 42, root_password: ROOT_PASSWORD },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorJson>();
    expect(body.error_code).toBe('MAAS.0400');
    expect(body.error_msg).toMatch(/name must be/);
    expect(body.request_id).toBe(res.headers['x-request-id']);
    expect(body.details?.fields?.map((f) => f.field)).toEqual(['name']);

    const extra = await app.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: operator,
      payload: { name: 'ok', root_password: ROOT_PASSWORD, is_admin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error_msg).toMatch(/property is_admin should not exist/);
  });

  it('rejects malformed JSON with 400 and the error body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v3/accounts',
      headers: { 'content-type': 'application/json', ...operator },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
  });

  it('answers an unknown account id with 404 and the error body', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const res = await app.inject({
      method: 'GET',
      url: `/v3/accounts/${id}`,
      headers: { 'x-request-id': 'it-404', ...operator },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error_code: 'IAM.0101',
      error_msg: `Account ${id} does not exist`,
      request_id: 'it-404',
    });
    expect(res.headers['x-request-id']).toBe('it-404');
  });

  it('answers an unknown route with 404 and the error body', async () => {
    const res = await app.inject({ method: 'GET', url: '/v3/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error_code: 'MAAS.0404', request_id: expect.any(String) });
  });

  it('answers an unexpected error with 500 and nothing of it', async () => {
    const res = await app.inject({ method: 'GET', url: '/test-only/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error_code: 'MAAS.0500',
      error_msg: 'Internal server error',
      request_id: res.headers['x-request-id'],
    });
    for (const leak of ['kaboom', 'hunter2', 'postgres', 'Error', '.ts:']) {
      expect(res.body).not.toContain(leak);
    }
  });

  it('publishes its OpenAPI document and a reference UI', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApiJson>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v3/accounts', '/v3/accounts/{account_id}']),
    );
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    expect(doc.paths['/v3/accounts/{account_id}'].get.responses['404']).toBeDefined();
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('is live, ready when PostgreSQL answers, and reports Kafka on /health', async () => {
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    const ready = await eventually(async () => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      if (res.statusCode !== 200) throw new Error(`ready: ${res.statusCode} ${res.body}`);
      return res.json<HealthJson>();
    });
    // Readiness is only what the replica needs to answer (SPEC §10): not Kafka.
    expect(Object.keys(ready.details)).toEqual(['database']);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json<HealthJson>().details.kafka.status).toBe('up');
  });

  it('exposes the HTTP histogram at /metrics', async () => {
    await app.inject({
      method: 'GET',
      url: '/v3/accounts/00000000-0000-4000-8000-000000000001',
      headers: operator,
    });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{service="iam",method="GET",route="\/v3\/accounts\/:account_id",status_code="404"\} \d+/,
    );
  });
});

describe('closing the IAM app', () => {
  const schema = uniqueName('iam');
  afterAll(() => dropSchema(schema));

  it('stops accepting but finishes the requests in flight', async () => {
    const app = await bootApp(configFor(schema));
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const response = fetch(`${url}/test-only/slow`);
    await slow.arrived.fired;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await eventually(() => !app.getHttpServer().listening, { description: 'server to stop' });
    expect(closed).toBe(false);
    slow.release.fire();
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ done: true });
    await closing;
    expect(closed).toBe(true);
  });
});

describe('the built service process', () => {
  const main = 'services/iam/dist/main.js';

  beforeAll(() => {
    execFileSync('npx', ['nx', 'run', '@maas/iam:build', '--output-style=static'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
  });

  function start(env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  async function exitOf(child: ChildProcess, timeoutMs = 30_000) {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit', { signal: AbortSignal.timeout(timeoutMs) })) as [
      number | null,
    ];
    return { code, stdout, stderr };
  }

  it('refuses a bad PORT at start, naming it, without leaking secrets', async () => {
    const { code, stderr, stdout } = await exitOf(
      start({
        PORT: 'abc',
        DATABASE_URL: stack.DATABASE_URL,
        KAFKA_BROKERS: stack.KAFKA_BROKERS,
        TOKEN_SIGNING_KEY: 'do-not-print-me',
      }),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT: is invalid/);
    expect(stderr + stdout).not.toContain('do-not-print-me');
  });

  it('names every missing variable', async () => {
    const { code, stderr } = await exitOf(start({}));
    expect(code).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL: is required/);
    expect(stderr).toMatch(/KAFKA_BROKERS: is required/);
  });

  it('refuses a signing key that is not an Ed25519 PKCS#8 PEM, without printing it', async () => {
    const { code, stderr, stdout } = await exitOf(
      start({
        DATABASE_URL: stack.DATABASE_URL,
        KAFKA_BROKERS: stack.KAFKA_BROKERS,
        DB_SCHEMA: uniqueName('iam'),
        MIGRATIONS_RUN: 'false',
        OUTBOX_RELAY: 'false',
        TOKEN_SIGNING_KEY: 'do-not-print-me',
      }),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/TOKEN_SIGNING_KEY is invalid/);
    expect(stderr + stdout).not.toContain('do-not-print-me');
  });

  it('bootstraps an account idempotently, then serves it; on SIGTERM stops being ready, drains and exits 0', async () => {
    const schema = uniqueName('iam');
    const prefix = uniqueTopicPrefix('t');
    const env = {
      DATABASE_URL: stack.DATABASE_URL,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      DB_SCHEMA: schema,
      KAFKA_TOPIC_PREFIX: prefix,
      REGIONS: 'cn-southwest-2,ap-southeast-1',
    };
    const bootstrap = (args: string[], extra: Record<string, string> = {}) =>
      exitOf(
        spawn(process.execPath, ['services/iam/dist/bootstrap.js', ...args], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH, ...env, ...extra },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as AddressInfo;
        server.close(() => resolve(free));
      });
    });
    let child: ChildProcess | undefined;
    try {
      const args = ['--account', 'opsco', '--root-password-env', 'OPSCO_ROOT_PASSWORD'];
      const unset = await bootstrap(args);
      expect(unset.code).toBe(2);
      expect(unset.stderr).toMatch(/OPSCO_ROOT_PASSWORD is not set/);
      const first = await bootstrap(args, { OPSCO_ROOT_PASSWORD: ROOT_PASSWORD });
      expect(first.code).toBe(0);
      const created = JSON.parse(first.stdout) as Record<string, unknown>;
      expect(created).toMatchObject({
        created: true,
        account_name: 'opsco',
        root_user_name: 'opsco',
      });
      expect((created.projects as { region: string }[]).map((p) => p.region)).toEqual([
        'ap-southeast-1',
        'cn-southwest-2',
      ]);
      const again = await bootstrap(args, { OPSCO_ROOT_PASSWORD: 'Another-Pass-1' });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ ...created, created: false });
      expect(first.stdout + first.stderr + again.stdout + again.stderr).not.toContain(
        ROOT_PASSWORD,
      );

      child = start({ ...env, PORT: String(port), SHUTDOWN_DELAY_MS: '1500' });
      const exited = exitOf(child);
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${base}/health/ready`)).status === 200, {
        timeoutMs: 30_000,
        description: 'the service to be ready',
      });
      // The bootstrapped root user signs in with the password of the first run.
      const signIn = await fetch(`${base}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: {
                user: { name: 'opsco', password: ROOT_PASSWORD, domain: { name: 'opsco' } },
              },
            },
          },
        }),
      });
      expect(signIn.status).toBe(201);
      const token = signIn.headers.get('x-subject-token')!;
      const projects = await fetch(`${base}/v3/projects`, { headers: { 'x-auth-token': token } });
      expect(((await projects.json()) as { projects: unknown[] }).projects).toHaveLength(2);
      // The bootstrap's events reach the topic through the service's relay.
      await eventually(
        async () => {
          const { rows } = await withDb((db) =>
            db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox WHERE sent_at IS NULL`),
          );
          return rows[0].n === 0;
        },
        { timeoutMs: 30_000, description: 'the outbox to be relayed' },
      );

      child.kill('SIGTERM');
      // During the shutdown delay it still serves, but reports not ready.
      await eventually(async () => (await fetch(`${base}/health/ready`)).status === 503, {
        description: 'readiness to turn 503',
      });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const { code, stdout } = await exited;
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
      expect(stdout).not.toContain(token);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await dropSchema(schema);
      await deleteTopics(prefix);
    }
  });
});
