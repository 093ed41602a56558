import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { iamProjectionMigration } from '@maas/auth';
import { schemaOf } from '@maas/database';
import { outboxMigration } from '@maas/events';

/**
 * The keys schema: API keys (secrets only as keyed hashes), the account quota projection
 * (maas.quotas.v1), the IAM projection (maas.iam.v1), and the outbox/inbox.
 */
/** The unquoted schema name, for the libs' DDL builders (which quote it themselves). */
const schemaName = (runner: QueryRunner) =>
  (runner.connection.options as { schema?: string }).schema ?? 'public';

export class CreateKeys1764000000000 implements MigrationInterface {
  name = 'CreateKeys1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const schema = schemaName(runner);
    await runner.query(`
      CREATE TABLE ${s}.api_keys (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        region text NOT NULL,
        tag varchar(100) NOT NULL,
        description varchar(100) NOT NULL,
        secret_hash varchar(80) NOT NULL,
        secret_prefix varchar(16) NOT NULL,
        secret_suffix varchar(8) NOT NULL,
        previous_secret_hash varchar(80) NULL,
        previous_valid_until timestamptz NULL,
        all_services boolean NOT NULL,
        service_ids text[] NOT NULL DEFAULT '{}',
        allowed_cidrs text[] NOT NULL DEFAULT '{}',
        allowed_models text[] NOT NULL DEFAULT '{}',
        version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz NULL,
        last_used_at timestamptz NULL,
        CONSTRAINT api_keys_account_tag_key UNIQUE (account_id, tag),
        CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash)
      )`);
    await runner.query(
      `CREATE INDEX api_keys_project_idx ON ${s}.api_keys (project_id, created_at)`,
    );
    await runner.query(`
      CREATE TABLE ${s}.account_quotas (
        account_id uuid PRIMARY KEY,
        max_api_keys integer NOT NULL,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const sql of [...outboxMigration(schema).up, ...iamProjectionMigration(schema).up]) {
      await runner.query(sql);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const schema = schemaName(runner);
    for (const sql of [...iamProjectionMigration(schema).down, ...outboxMigration(schema).down]) {
      await runner.query(sql);
    }
    await runner.query(`DROP TABLE ${s}.account_quotas`);
    await runner.query(`DROP TABLE ${s}.api_keys`);
  }
}
