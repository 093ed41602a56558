// The upgrade of an installation whose pools predate tenant isolation (migration
// PoolAccountIsolation1767000000000, docs/operators.md): on real PostgreSQL, a schema at the
// previous migration with pools as tenants could write them, then the migration.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '@maas/database';
import { loadStackEnv, uniqueName } from '@maas/testing';
import { dataSourceOptions } from '../src/database/data-source.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { PoolAccountIsolation1767000000000 } from '../src/migrations/1767000000000-pool-account-isolation.js';

const stack = loadStackEnv();
const schema = uniqueName('depmig');
const config = { DATABASE_URL: stack.DATABASE_URL, DB_SCHEMA: schema, LOG_LEVEL: 'error' as const };
const before = MIGRATIONS.filter((m) => m !== PoolAccountIsolation1767000000000);
let db: DataSource;

const mine = randomUUID();
const theirs = randomUUID();

interface PoolRow {
  name: string;
  node_selector: Record<string, string>;
  taint: { key: string; value: string; effect: string } | null;
  version: number;
}

async function insertPool(name: string, selector: object, taint: object | null): Promise<void> {
  await db.query(
    `INSERT INTO "${schema}".pools (account_id, project_id, name, region, node_selector, taint,
       npu_resource_name, flavor_ids)
     VALUES ($1, $2, $3, 'cn-southwest-2', $4::jsonb, $5::jsonb, 'huawei.com/Ascend910', '{ascend-910b-1}')`,
    [mine, randomUUID(), name, JSON.stringify(selector), taint ? JSON.stringify(taint) : null],
  );
}

beforeAll(async () => {
  db = await new DataSource({ ...dataSourceOptions(config), migrations: before }).initialize();
  await runMigrationsLocked(db);
});

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db?.destroy();
});

describe('migration: pools get their account label', () => {
  it("adds the pool's own account, replaces a foreign one, drops a foreign account taint", async () => {
    const poolTaint = { key: 'maas.io/pool', value: 'a', effect: 'NoSchedule' };
    await insertPool('plain', { 'maas.io/pool': 'a' }, poolTaint);
    await insertPool('foreign', { 'maas.io/pool': 'a', 'maas.io/account': theirs }, poolTaint);
    await insertPool('own', { 'maas.io/pool': 'a', 'maas.io/account': mine }, null);
    await insertPool(
      'foreign-taint',
      { 'maas.io/pool': 'b' },
      {
        key: 'maas.io/account',
        value: theirs,
        effect: 'NoSchedule',
      },
    );

    const upgraded = await new DataSource(dataSourceOptions(config)).initialize();
    try {
      expect(await runMigrationsLocked(upgraded)).toEqual(['PoolAccountIsolation1767000000000']);
    } finally {
      await upgraded.destroy();
    }
    const rows: PoolRow[] = await db.query(
      `SELECT name, node_selector, taint, version FROM "${schema}".pools ORDER BY name`,
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.plain).toMatchObject({
      node_selector: { 'maas.io/pool': 'a', 'maas.io/account': mine },
      taint: poolTaint,
      version: 2,
    });
    expect(byName.foreign).toMatchObject({
      node_selector: { 'maas.io/pool': 'a', 'maas.io/account': mine },
      version: 2,
    });
    // Already right: untouched.
    expect(byName.own).toMatchObject({
      node_selector: { 'maas.io/pool': 'a', 'maas.io/account': mine },
      version: 1,
    });
    expect(byName['foreign-taint']).toMatchObject({
      node_selector: { 'maas.io/pool': 'b', 'maas.io/account': mine },
      taint: null,
      version: 2,
    });
  });
});
