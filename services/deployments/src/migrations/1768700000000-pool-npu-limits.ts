import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * The projection of the accounts' NPU limits (QuotaLimitsChanged on maas.quotas.v1): the
 * default per pool and the (project, pool) overrides, with the snapshot's version.
 */
export class PoolNpuLimits1768700000000 implements MigrationInterface {
  name = 'PoolNpuLimits1768700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ${schemaOf(runner)}.pool_npu_limits (
        account_id text PRIMARY KEY,
        default_pool_npus integer NOT NULL,
        pool_npus jsonb NOT NULL DEFAULT '[]',
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ${schemaOf(runner)}.pool_npu_limits`);
  }
}
