import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';

function schemaName(runner: QueryRunner): string {
  return (runner.connection.options as { schema?: string }).schema ?? 'public';
}

/** The LISTEN/NOTIFY channel that wakes the reconciler of a schema (≤ 63 bytes). */
export function reconcileChannel(schema: string): string {
  return `reconcile:${schema}`.slice(0, 63);
}

/**
 * Wakes the reconciler when desired state changes: a NOTIFY on the schema's channel with
 * the service id whenever a service is inserted, deleted or transitions (`version` or
 * `generation` written — observed-field updates do not notify), and `pool:<id>` when a
 * pool's node selector, taint or NPU resource changes (its services' objects follow).
 */
export class ReconcilerNotify1765000000000 implements MigrationInterface {
  name = 'ReconcilerNotify1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const channel = reconcileChannel(schemaName(runner)).replaceAll("'", "''");
    await runner.query(`
      CREATE FUNCTION ${s}.notify_reconciler() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        id text;
      BEGIN
        IF TG_OP = 'DELETE' THEN id := OLD.id::text; ELSE id := NEW.id::text; END IF;
        IF TG_TABLE_NAME = 'pools' THEN id := 'pool:' || id; END IF;
        PERFORM pg_notify('${channel}', id);
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER model_services_notify_reconciler
        AFTER INSERT OR DELETE OR UPDATE OF version, generation ON ${s}.model_services
        FOR EACH ROW EXECUTE FUNCTION ${s}.notify_reconciler()`);
    await runner.query(`
      CREATE TRIGGER pools_notify_reconciler
        AFTER UPDATE OF node_selector, taint, npu_resource_name ON ${s}.pools
        FOR EACH ROW EXECUTE FUNCTION ${s}.notify_reconciler()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`DROP TRIGGER pools_notify_reconciler ON ${s}.pools`);
    await runner.query(`DROP TRIGGER model_services_notify_reconciler ON ${s}.model_services`);
    await runner.query(`DROP FUNCTION ${s}.notify_reconciler()`);
  }
}
