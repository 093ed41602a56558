import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/** Keys the platform operator can freeze (ModelArts.81006, seed 002 Table 4-19). */
export class KeyFreezing1764200000000 implements MigrationInterface {
  name = 'KeyFreezing1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ${schemaOf(runner)}.api_keys
        ADD COLUMN frozen boolean NOT NULL DEFAULT false,
        ADD COLUMN frozen_at timestamptz NULL,
        ADD COLUMN frozen_reason varchar(200) NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ${schemaOf(runner)}.api_keys
        DROP COLUMN frozen_reason, DROP COLUMN frozen_at, DROP COLUMN frozen`);
  }
}
