// IAM takes the agencies limit from the quotas service (SPEC §7, seed 002 §2.2): the platform
// operator sets an account's `agencies` quota through the quotas API, quotas publishes
// QuotaLimitsChanged.max_agencies on maas.quotas.v1, IAM projects it and refuses the agency
// beyond it with the seed's message. The quotas service runs as a child process from its
// TypeScript sources (a service never imports another), on this IAM world's topic prefix.
// The default of 50 without a published limit: agencies.int-spec.ts (the agency quota).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOPICS } from '@maas/events';
import { eventually, uniqueName, withDb } from '@maas/testing';
import { IamWorld, stack, type TestAccount } from './harness.js';

const TS_REGISTER = fileURLToPath(
  new URL('../../../libs/testing/register/ts-register.js', import.meta.url),
);
const QUOTAS_MAIN = fileURLToPath(new URL('../../quotas/src/main.ts', import.meta.url));
const QUOTAS_OPERATOR_TOKEN = 'quotas-operator-token-of-the-iam-tests';

interface ErrorJson {
  error_code: string;
  error_msg: string;
  details?: Record<string, unknown>;
}

const world = new IamWorld();
const quotasSchema = uniqueName('quotas');
const quotasLog = join(tmpdir(), `maas-iam-agency-quota-${quotasSchema}.log`);
let quotas: ChildProcess | undefined;
let quotasUrl: string;
let acct: TestAccount;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The quotas service on this world's topics, its own schema; ready when /health/ready is. */
async function startQuotas(): Promise<void> {
  const port = await freePort();
  quotasUrl = `http://127.0.0.1:${port}`;
  const out = createWriteStream(quotasLog, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', TS_REGISTER, QUOTAS_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: stack.DATABASE_URL,
      KAFKA_BROKERS: stack.KAFKA_BROKERS,
      DB_SCHEMA: quotasSchema,
      KAFKA_TOPIC_PREFIX: world.prefix,
      IAM_JWKS_URL: 'http://127.0.0.1:9/unused-in-tests',
      OPERATOR_TOKEN: QUOTAS_OPERATOR_TOKEN,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  quotas = child;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`quotas exited; see ${quotasLog}`);
      return (await fetch(`${quotasUrl}/health/ready`)).ok;
    },
    { timeoutMs: 90_000, intervalMs: 250, description: 'the quotas service ready' },
  );
}

/** The operator sets the account's agencies quota (PUT /v1/{project_id}/quotas). */
async function setAgencyQuota(quota: number): Promise<void> {
  // The quotas service knows the project once its IAM projection has it: retried until then.
  await eventually(
    async () => {
      const res = await fetch(`${quotasUrl}/v1/${acct.projectIds[0]}/quotas`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-operator-token': QUOTAS_OPERATOR_TOKEN },
        body: JSON.stringify({ resources: [{ type: 'agencies', quota }] }),
      });
      expect(res.status).toBe(200);
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 250, description: `the agencies quota set to ${quota}` },
  );
}

/** IAM's projection of the account's limit (the quotas topic consumed). */
async function projectedLimit(): Promise<number | undefined> {
  const rows = await world.rows<{ max_agencies: number }>(
    `SELECT max_agencies FROM "${world.schema}".account_quotas WHERE account_id = $1`,
    [acct.id],
  );
  return rows[0]?.max_agencies;
}

function createAgency(name: string) {
  return world.request('POST', '/v3/agencies', { token: acct.token, body: { name } });
}

beforeAll(async () => {
  await world.ensureTopics(ALL_TOPICS); // IAM's quotas consumer and the quotas service's own
  await world.start();
  await startQuotas();
  acct = await world.account();
}, 150_000);

afterAll(async () => {
  if (quotas && quotas.exitCode === null) {
    const exited = new Promise((resolve) => quotas?.once('exit', resolve));
    quotas.kill('SIGTERM');
    await exited;
  }
  await world.close();
  await withDb((db) => db.query(`DROP SCHEMA IF EXISTS "${quotasSchema}" CASCADE`));
}, 60_000);

describe('the agencies quota from the quotas service', () => {
  it('refuses the agency beyond the limit the operator set, with the seed’s message', async () => {
    await setAgencyQuota(2);
    await eventually(async () => (await projectedLimit()) === 2, {
      timeoutMs: 30_000,
      description: 'IAM to take the limit of 2 from maas.quotas.v1',
    });

    for (const name of ['agency-1', 'agency-2']) {
      expect((await createAgency(name)).statusCode).toBe(201);
    }
    const third = await createAgency('agency-3');
    expect(third.statusCode).toBe(403);
    expect(third.json<ErrorJson>()).toMatchObject({
      error_code: 'IAM.0503',
      error_msg: 'A maximum of 2 agencies can be created under an account.',
      details: { limit: 2 },
    });
    // A new agency through an authorization counts against the same quota.
    const viaGrant = await world.request('POST', `/v2/${acct.projectIds[0]}/authorizations`, {
      token: acct.token,
      body: { user_type: 'all_users' },
    });
    expect(viaGrant.json<ErrorJson>().error_code).toBe('IAM.0503');

    // Raised: the next one fits.
    await setAgencyQuota(3);
    await eventually(async () => (await projectedLimit()) === 3, {
      timeoutMs: 30_000,
      description: 'IAM to take the limit of 3',
    });
    expect((await createAgency('agency-3')).statusCode).toBe(201);
  }, 120_000);
});
