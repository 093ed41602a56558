import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * Edge pools (SPEC §4, seed 000 edge call paths): a pool's access mode, null for every
 * existing pool (they stay pools in the data centre). See pools/edge-access.ts.
 */
export class EdgePools1768500000000 implements MigrationInterface {
  name = 'EdgePools1768500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE ${schemaOf(runner)}.pools ADD COLUMN IF NOT EXISTS edge jsonb NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ${schemaOf(runner)}.pools DROP COLUMN IF EXISTS edge`);
  }
}
