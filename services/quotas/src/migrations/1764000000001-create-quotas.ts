import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { iamProjectionMigration } from '@maas/auth';
import { schemaOf } from '@maas/database';
import { outboxMigration } from '@maas/events';

/** The unquoted schema name, for the libs' DDL builders (which quote it themselves). */
const schemaName = (runner: QueryRunner) =>
  (runner.connection.options as { schema?: string }).schema ?? 'public';

/**
 * The quotas schema: quota overrides, rate-limit policies, the usage ledger (per minute and
 * per day), free token usage; projections of API keys (maas.keys.v1) and IAM; outbox/inbox.
 */
export class CreateQuotas1764000000001 implements MigrationInterface {
  name = 'CreateQuotas1764000000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const statements = [
      // An admin's override of one quota; absent = the installation's default.
      // project_id '' = account-wide (api_keys, agencies); subject = pool id or model ('' none).
      `CREATE TABLE ${s}.quota_overrides (
        account_id uuid NOT NULL,
        project_id text NOT NULL DEFAULT '',
        resource text NOT NULL CHECK (resource IN ('api_keys', 'agencies', 'pool_npus', 'free_tokens')),
        subject text NOT NULL DEFAULT '',
        value bigint NOT NULL CHECK (value >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, project_id, resource, subject)
      )`,
      // Version of each account's QuotaLimitsChanged snapshot.
      `CREATE TABLE ${s}.quota_versions (account_id uuid PRIMARY KEY, version bigint NOT NULL)`,
      `CREATE TABLE ${s}.rate_limit_policies (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        subject_type text NOT NULL CHECK (subject_type IN ('key', 'service')),
        subject_id text NOT NULL,
        model text NOT NULL DEFAULT '',
        rpm integer NOT NULL DEFAULT 0,
        tpm integer NOT NULL DEFAULT 0,
        qps integer NOT NULL DEFAULT 0,
        source text NOT NULL CHECK (source IN ('admin', 'deployments')),
        source_version bigint NOT NULL DEFAULT 0,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rate_limit_policies_subject_key UNIQUE (subject_type, subject_id, model)
      )`,
      `CREATE INDEX rate_limit_policies_project_idx ON ${s}.rate_limit_policies (project_id)`,
      // Removed policies keep counting versions, so a re-created one continues above them.
      `CREATE TABLE ${s}.policy_versions (
        subject_type text NOT NULL, subject_id text NOT NULL, model text NOT NULL,
        version bigint NOT NULL, PRIMARY KEY (subject_type, subject_id, model)
      )`,
      // Projection of maas.keys.v1: which key belongs to which account and project.
      `CREATE TABLE ${s}.known_keys (
        key_id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        version bigint NOT NULL
      )`,
      `CREATE INDEX known_keys_account_idx ON ${s}.known_keys (account_id) WHERE NOT deleted`,
      // The usage ledger: counters per account, project, key, service, model and minute/day.
      `CREATE TABLE ${s}.usage_minute (
        minute timestamptz NOT NULL,
        account_id uuid NOT NULL,
        project_id text NOT NULL,
        key_id text NOT NULL,
        service_id text NOT NULL,
        model text NOT NULL,
        requests bigint NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        total_tokens bigint NOT NULL,
        PRIMARY KEY (account_id, minute, project_id, key_id, service_id, model)
      )`,
      `CREATE TABLE ${s}.usage_day (
        day date NOT NULL,
        account_id uuid NOT NULL,
        project_id text NOT NULL,
        key_id text NOT NULL,
        service_id text NOT NULL,
        model text NOT NULL,
        requests bigint NOT NULL,
        prompt_tokens bigint NOT NULL,
        completion_tokens bigint NOT NULL,
        total_tokens bigint NOT NULL,
        PRIMARY KEY (account_id, day, project_id, key_id, service_id, model)
      )`,
      // Free tokens used per project and preset model; exhausted_at set once per exhaustion.
      `CREATE TABLE ${s}.free_token_usage (
        project_id text NOT NULL,
        model text NOT NULL,
        account_id uuid NOT NULL,
        used bigint NOT NULL DEFAULT 0,
        exhausted_at timestamptz NULL,
        PRIMARY KEY (project_id, model)
      )`,
      `CREATE INDEX free_token_usage_account_idx ON ${s}.free_token_usage (account_id)`,
    ];
    for (const sql of statements) await runner.query(sql);
    const schema = schemaName(runner);
    for (const sql of [...outboxMigration(schema).up, ...iamProjectionMigration(schema).up])
      await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const schema = schemaName(runner);
    for (const sql of [...iamProjectionMigration(schema).down, ...outboxMigration(schema).down])
      await runner.query(sql);
    for (const table of [
      'free_token_usage',
      'usage_day',
      'usage_minute',
      'known_keys',
      'policy_versions',
      'rate_limit_policies',
      'quota_versions',
      'quota_overrides',
    ]) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}
