import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { iamProjectionMigration } from '@maas/auth';
import { schemaOf } from '@maas/database';
import { outboxMigration } from '@maas/events';

function schemaName(runner: QueryRunner): string {
  return (runner.connection.options as { schema?: string }).schema ?? 'public';
}

const STATES = [
  'queuing',
  'deploying',
  'starting',
  'running',
  'alarm',
  'updating',
  'upgrading',
  'stopping',
  'stopped',
  'deployment_failed',
  'deleting',
]
  .map((s) => `'${s}'`)
  .join(', ');

/**
 * The deployments schema: resource pools, model services (desired + observed state), their
 * events and notifications, the outbox/inbox and the IAM projection.
 */
export class CreateDeployments1764000000000 implements MigrationInterface {
  name = 'CreateDeployments1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`
      CREATE TABLE ${s}.pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        name varchar(64) NOT NULL,
        description varchar(256) NOT NULL DEFAULT '',
        region varchar(32) NOT NULL,
        node_selector jsonb NOT NULL,
        taint jsonb NULL,
        npu_resource_name varchar(253) NOT NULL,
        flavor_ids text[] NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pools_project_name_key UNIQUE (project_id, name)
      )`);
    await runner.query(`
      CREATE TABLE ${s}.model_services (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        region varchar(32) NOT NULL,
        name varchar(64) NOT NULL,
        description varchar(256) NOT NULL DEFAULT '',
        model_id varchar(64) NOT NULL,
        model_name varchar(128) NOT NULL,
        model_version varchar(32) NOT NULL,
        variant_id varchar(64) NOT NULL,
        catalog_version varchar(32) NOT NULL,
        context_length integer NOT NULL,
        max_input_tokens integer NOT NULL,
        max_output_tokens integer NOT NULL,
        flavor_id varchar(64) NOT NULL,
        npus_per_instance integer NOT NULL,
        nodes_per_instance integer NOT NULL,
        pool_id uuid NOT NULL REFERENCES ${s}.pools (id) ON DELETE RESTRICT,
        port integer NOT NULL,
        instances integer NOT NULL CHECK (instances >= 1),
        qps integer NOT NULL CHECK (qps >= 1),
        state varchar(32) NOT NULL CHECK (state IN (${STATES})),
        pending jsonb NULL,
        state_reason text NULL,
        state_changed_at timestamptz NOT NULL DEFAULT now(),
        desired_status varchar(16) NOT NULL CHECK (desired_status IN ('running', 'stopped', 'deleted')),
        generation bigint NOT NULL DEFAULT 1,
        observed_generation bigint NOT NULL DEFAULT 0,
        queued_at timestamptz NULL,
        queue_position integer NULL,
        notification_topic varchar(2048) NULL,
        notification_events text[] NOT NULL DEFAULT '{}',
        auto_stop_minutes integer NULL,
        auto_stop_remaining_ms bigint NULL,
        auto_stop_resumed_at timestamptz NULL,
        k8s_namespace varchar(63) NOT NULL,
        k8s_name varchar(63) NOT NULL,
        ready_instances integer NOT NULL DEFAULT 0,
        instance_statuses jsonb NOT NULL DEFAULT '[]',
        compute_usage real NULL,
        memory_usage real NULL,
        observed_at timestamptz NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_services_project_name_key UNIQUE (project_id, name)
      )`);
    await runner.query(
      `CREATE INDEX model_services_project_created_idx ON ${s}.model_services (project_id, created_at, id)`,
    );
    await runner.query(
      `CREATE INDEX model_services_pool_state_idx ON ${s}.model_services (pool_id, state)`,
    );
    await runner.query(
      `CREATE INDEX model_services_unobserved_idx ON ${s}.model_services (id) WHERE observed_generation < generation`,
    );
    await runner.query(`
      CREATE TABLE ${s}.service_events (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        service_id uuid NOT NULL,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        version integer NOT NULL,
        reason varchar(64) NOT NULL,
        message text NOT NULL,
        from_state varchar(32) NULL,
        to_state varchar(32) NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_events_service_version_key UNIQUE (service_id, version)
      )`);
    await runner.query(
      `CREATE INDEX service_events_occurred_idx ON ${s}.service_events (occurred_at)`,
    );
    await runner.query(`
      CREATE TABLE ${s}.service_notifications (
        id uuid PRIMARY KEY,
        service_id uuid NOT NULL,
        account_id uuid NOT NULL,
        project_id uuid NOT NULL,
        service_name varchar(64) NOT NULL,
        topic varchar(2048) NOT NULL,
        event varchar(32) NOT NULL,
        state varchar(32) NOT NULL,
        reason varchar(64) NOT NULL,
        message text NOT NULL,
        occurred_at timestamptz NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text NULL,
        delivered_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX service_notifications_pending_idx ON ${s}.service_notifications (created_at) WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX service_notifications_created_idx ON ${s}.service_notifications (created_at)`,
    );
    const raw = schemaName(runner);
    for (const sql of [...outboxMigration(raw).up, ...iamProjectionMigration(raw).up])
      await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    const raw = schemaName(runner);
    for (const sql of [...iamProjectionMigration(raw).down, ...outboxMigration(raw).down])
      await runner.query(sql);
    for (const table of ['service_notifications', 'service_events', 'model_services', 'pools'])
      await runner.query(`DROP TABLE ${s}.${table}`);
  }
}
