import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * Accounts the platform operator can freeze (ModelArts.81006, seed 002 Table 4-19), with a
 * version that orders their AccountChanged snapshots on maas.iam.v1.
 */
export class AccountFreezing1764200000000 implements MigrationInterface {
  name = 'AccountFreezing1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ${schemaOf(runner)}.accounts
        ADD COLUMN frozen boolean NOT NULL DEFAULT false,
        ADD COLUMN frozen_at timestamptz NULL,
        ADD COLUMN frozen_reason varchar(200) NOT NULL DEFAULT '',
        ADD COLUMN version bigint NOT NULL DEFAULT 1`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ${schemaOf(runner)}.accounts
        DROP COLUMN version, DROP COLUMN frozen_reason, DROP COLUMN frozen_at, DROP COLUMN frozen`);
  }
}
