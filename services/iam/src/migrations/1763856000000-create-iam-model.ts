import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { schemaOf } from '@maas/database';
import { outboxMigration } from '@maas/events';

/**
 * The IAM model: projects (one per region), users and their access keys, groups and
 * memberships, policies and their attachments to groups and agencies, agencies, ModelArts
 * authorizations, and the outbox/inbox of @maas/events.
 *
 * Rows whose removal is an event (memberships, attachments, authorizations) are not deleted
 * by cascades: their foreign keys refuse, so the code must delete them, and publish.
 */
export class CreateIamModel1763856000000 implements MigrationInterface {
  name = 'CreateIamModel1763856000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const statements = [
      `CREATE TABLE ${s}.projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        region varchar(32) NOT NULL,
        name varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT projects_account_region_key UNIQUE (account_id, region)
      )`,
      `CREATE TABLE ${s}.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        name varchar(64) NOT NULL,
        root boolean NOT NULL DEFAULT false,
        password_hash text NULL,
        description varchar(255) NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX users_account_name_key ON ${s}.users (account_id, lower(name))`,
      `CREATE UNIQUE INDEX users_account_root_key ON ${s}.users (account_id) WHERE root`,
      `CREATE TABLE ${s}.access_keys (
        access_key varchar(32) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES ${s}.users (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        secret_hash char(64) NOT NULL,
        description varchar(255) NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NULL
      )`,
      `CREATE INDEX access_keys_user_idx ON ${s}.access_keys (user_id)`,
      `CREATE TABLE ${s}.groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        name varchar(64) NOT NULL,
        description varchar(255) NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX groups_account_name_key ON ${s}.groups (account_id, lower(name))`,
      `CREATE TABLE ${s}.group_members (
        group_id uuid NOT NULL REFERENCES ${s}.groups (id),
        user_id uuid NOT NULL REFERENCES ${s}.users (id),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, user_id)
      )`,
      `CREATE INDEX group_members_user_idx ON ${s}.group_members (user_id)`,
      `CREATE TABLE ${s}.policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NULL REFERENCES ${s}.accounts (id),
        system boolean NOT NULL DEFAULT false,
        name varchar(128) NOT NULL,
        description varchar(255) NOT NULL DEFAULT '',
        document jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT policies_system_check CHECK (system = (account_id IS NULL))
      )`,
      `CREATE UNIQUE INDEX policies_account_name_key ON ${s}.policies
        (coalesce(account_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`,
      `CREATE TABLE ${s}.group_policies (
        group_id uuid NOT NULL REFERENCES ${s}.groups (id),
        policy_id uuid NOT NULL REFERENCES ${s}.policies (id),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        scope_global boolean NOT NULL,
        project_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, policy_id),
        CONSTRAINT group_policies_scope_check CHECK (scope_global OR cardinality(project_ids) > 0)
      )`,
      `CREATE INDEX group_policies_policy_idx ON ${s}.group_policies (policy_id)`,
      `CREATE TABLE ${s}.agencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        name varchar(64) NOT NULL,
        description varchar(255) NOT NULL DEFAULT '',
        type varchar(32) NOT NULL DEFAULT 'cloud_service',
        trusted_service varchar(32) NOT NULL DEFAULT 'ModelArts',
        validity_period varchar(16) NOT NULL DEFAULT 'unlimited',
        expires_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX agencies_account_name_key ON ${s}.agencies (account_id, lower(name))`,
      `CREATE TABLE ${s}.agency_policies (
        agency_id uuid NOT NULL REFERENCES ${s}.agencies (id),
        policy_id uuid NOT NULL REFERENCES ${s}.policies (id),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        scope_global boolean NOT NULL,
        project_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agency_id, policy_id),
        CONSTRAINT agency_policies_scope_check CHECK (scope_global OR cardinality(project_ids) > 0)
      )`,
      `CREATE INDEX agency_policies_policy_idx ON ${s}.agency_policies (policy_id)`,
      `CREATE TABLE ${s}.authorizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES ${s}.accounts (id),
        user_type varchar(16) NOT NULL,
        user_id uuid NULL REFERENCES ${s}.users (id),
        user_name varchar(64) NULL,
        agency_id uuid NOT NULL REFERENCES ${s}.agencies (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT authorizations_type_check
          CHECK (user_type IN ('iam_user', 'federated_user', 'agency', 'all_users')),
        CONSTRAINT authorizations_user_id_check CHECK ((user_type = 'iam_user') = (user_id IS NOT NULL)),
        CONSTRAINT authorizations_user_name_check CHECK ((user_type = 'all_users') = (user_name IS NULL))
      )`,
      `CREATE UNIQUE INDEX authorizations_target_key ON ${s}.authorizations
        (account_id, user_type, coalesce(user_id::text, lower(user_name), ''))`,
      `CREATE INDEX authorizations_agency_idx ON ${s}.authorizations (agency_id)`,
      ...outboxMigration(schemaName(runner)).up,
    ];
    for (const sql of statements) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    for (const sql of outboxMigration(schemaName(runner)).down) await runner.query(sql);
    for (const table of [
      'authorizations',
      'agency_policies',
      'agencies',
      'group_policies',
      'policies',
      'group_members',
      'groups',
      'access_keys',
      'users',
      'projects',
    ]) {
      await runner.query(`DROP TABLE ${s}.${table}`);
    }
  }
}

function schemaName(runner: QueryRunner): string {
  return (runner.connection.options as { schema?: string }).schema ?? 'public';
}
