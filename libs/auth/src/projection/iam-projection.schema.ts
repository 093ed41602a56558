import { assertSchemaName } from '@maas/events';

/**
 * SQL of the tables a service keeps its projection of IAM in (in its own schema): the latest
 * permissions snapshot per user and the projects per account. Call from the service's
 * migration, like the outbox's.
 */
export function iamProjectionMigration(schema: string): { up: string[]; down: string[] } {
  assertSchemaName(schema);
  return {
    up: [
      `CREATE TABLE IF NOT EXISTS "${schema}"."iam_user_permissions" (
        "user_id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "user_name" text NOT NULL,
        "root" boolean NOT NULL DEFAULT false,
        "deleted" boolean NOT NULL DEFAULT false,
        "policies" jsonb NOT NULL DEFAULT '[]',
        "modelarts_authorized" boolean NOT NULL DEFAULT false,
        "modelarts_authorized_until" timestamptz NULL,
        "event_time" timestamptz NOT NULL
      )`,
      `CREATE TABLE IF NOT EXISTS "${schema}"."iam_projects" (
        "project_id" uuid PRIMARY KEY,
        "account_id" uuid NOT NULL,
        "region" text NOT NULL,
        "name" text NOT NULL,
        "deleted" boolean NOT NULL DEFAULT false,
        "event_time" timestamptz NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS "iam_projects_account_idx" ON "${schema}"."iam_projects" ("account_id")`,
    ],
    down: [
      `DROP TABLE IF EXISTS "${schema}"."iam_projects"`,
      `DROP TABLE IF EXISTS "${schema}"."iam_user_permissions"`,
    ],
  };
}
