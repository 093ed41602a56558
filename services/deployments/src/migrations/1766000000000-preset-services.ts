import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

/**
 * Preset services (SPEC §8): services the operator publishes to every tenant of the region
 * (`model_services.preset`), and which tenant accounts enabled which of them
 * (`preset_access`; calling a preset service needs it enabled, else ModelArts.81004). An
 * access row goes with its service (ON DELETE CASCADE); the store publishes `enabled = false`
 * for it first (see ServiceLifecycleStore).
 */
export class PresetServices1766000000000 implements MigrationInterface {
  name = 'PresetServices1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(
      `ALTER TABLE ${s}.model_services ADD COLUMN preset boolean NOT NULL DEFAULT false`,
    );
    await runner.query(
      `CREATE INDEX model_services_preset_idx ON ${s}.model_services (region, name) WHERE preset`,
    );
    await runner.query(`
      CREATE TABLE ${s}.preset_access (
        account_id uuid NOT NULL,
        service_id uuid NOT NULL REFERENCES ${s}.model_services (id) ON DELETE CASCADE,
        enabled boolean NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, service_id)
      )`);
    await runner.query(
      `CREATE INDEX preset_access_service_idx ON ${s}.preset_access (service_id) WHERE enabled`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`DROP TABLE ${s}.preset_access`);
    await runner.query(`DROP INDEX ${s}.model_services_preset_idx`);
    await runner.query(`ALTER TABLE ${s}.model_services DROP COLUMN preset`);
  }
}
