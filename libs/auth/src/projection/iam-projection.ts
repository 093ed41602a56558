import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  assertSchemaName,
  type ConsumedEvent,
  EventConsumer,
  type EventsLogger,
  ProjectChangedSchema,
  UserPermissionsChangedSchema,
} from '@maas/events';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import type { CallerPermissions, PermissionSource } from '../guard/permission-source.js';
import type { PolicyDocument, ScopedPolicy } from '../policy/policy.js';

export interface IamProjectionOptions {
  dataSource: DataSource;
  /** The consuming service's schema (holds iam_* tables from iamProjectionMigration). */
  schema: string;
  /** Clock for authorization expiry (tests). */
  now?: () => Date;
}

interface PolicyRow {
  document: PolicyDocument;
  scope_global: boolean;
  project_ids: string[];
}

/**
 * A service's own view of IAM, kept from the `UserPermissionsChanged` and `ProjectChanged`
 * snapshots on `maas.iam.v1` (the latest snapshot per user / project wins; replaying the
 * topic from the start rebuilds it). Serves `IamGuard` as its `PermissionSource` and answers
 * "may this user deploy" (ModelArts authorization) for the deployments service.
 */
export class IamProjection implements PermissionSource {
  private readonly schema: string;
  private readonly now: () => Date;

  constructor(private readonly options: IamProjectionOptions) {
    assertSchemaName(options.schema);
    this.schema = options.schema;
    this.now = options.now ?? (() => new Date());
  }

  async permissionsOf(accountId: string, userId: string): Promise<CallerPermissions | undefined> {
    const rows: { policies: PolicyRow[] }[] = await this.options.dataSource.query(
      `SELECT "policies" FROM "${this.schema}"."iam_user_permissions"
        WHERE "user_id" = $1 AND "account_id" = $2 AND NOT "deleted"`,
      [userId, accountId],
    );
    if (rows.length === 0) return undefined;
    const policies: ScopedPolicy[] = rows[0].policies.map((p) => ({
      document: p.document,
      scope: p.scope_global ? { kind: 'global' } : { kind: 'projects', projectIds: p.project_ids },
    }));
    return { policies };
  }

  async projectBelongsTo(projectId: string, accountId: string): Promise<boolean> {
    if (!UUID.test(projectId)) return false;
    const rows: unknown[] = await this.options.dataSource.query(
      `SELECT 1 FROM "${this.schema}"."iam_projects"
        WHERE "project_id" = $1 AND "account_id" = $2 AND NOT "deleted"`,
      [projectId, accountId],
    );
    return rows.length > 0;
  }

  /** The account an existing project belongs to (for operator routes, which have no caller). */
  async accountOfProject(projectId: string): Promise<string | undefined> {
    if (!UUID.test(projectId)) return undefined;
    const rows: { account_id: string }[] = await this.options.dataSource.query(
      `SELECT "account_id" FROM "${this.schema}"."iam_projects"
        WHERE "project_id" = $1 AND NOT "deleted"`,
      [projectId],
    );
    return rows[0]?.account_id;
  }

  /** Whether a ModelArts authorization (not expired) covers the user: they may deploy. */
  async isModelArtsAuthorized(accountId: string, userId: string): Promise<boolean> {
    const rows: { modelarts_authorized: boolean; modelarts_authorized_until: Date | null }[] =
      await this.options.dataSource.query(
        `SELECT "modelarts_authorized", "modelarts_authorized_until"
           FROM "${this.schema}"."iam_user_permissions"
          WHERE "user_id" = $1 AND "account_id" = $2 AND NOT "deleted"`,
        [userId, accountId],
      );
    const row = rows[0];
    if (!row?.modelarts_authorized) return false;
    return row.modelarts_authorized_until === null || row.modelarts_authorized_until > this.now();
  }

  /** The consumer that keeps the projection; start it with the service, stop it on shutdown. */
  consumer(options: {
    kafka: Kafka;
    name: string;
    topicPrefix?: string;
    logger?: EventsLogger;
  }): EventConsumer {
    return new EventConsumer({
      kafka: options.kafka,
      dataSource: this.options.dataSource,
      schema: this.schema,
      name: options.name,
      topicPrefix: options.topicPrefix,
      fromBeginning: true,
      logger: options.logger,
    })
      .on(UserPermissionsChangedSchema, (event, manager) => this.applyUser(event, manager))
      .on(ProjectChangedSchema, (event, manager) => this.applyProject(event, manager));
  }

  private async applyUser(
    event: ConsumedEvent<typeof UserPermissionsChangedSchema>,
    manager: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    const policies: PolicyRow[] = p.policies.map((x) => ({
      document: JSON.parse(x.documentJson) as PolicyDocument,
      scope_global: x.scopeGlobal,
      project_ids: x.projectIds,
    }));
    const until = p.modelartsAuthorizedUntil ? timestampDate(p.modelartsAuthorizedUntil) : null;
    // Latest snapshot wins; an older one (replayed or reordered) never overwrites a newer.
    await manager.query(
      `INSERT INTO "${this.schema}"."iam_user_permissions"
         ("user_id","account_id","user_name","root","deleted","policies","modelarts_authorized","modelarts_authorized_until","event_time")
       VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8,$9)
       ON CONFLICT ("user_id") DO UPDATE SET
         "account_id" = EXCLUDED."account_id", "user_name" = EXCLUDED."user_name",
         "root" = EXCLUDED."root", "deleted" = EXCLUDED."deleted", "policies" = EXCLUDED."policies",
         "modelarts_authorized" = EXCLUDED."modelarts_authorized",
         "modelarts_authorized_until" = EXCLUDED."modelarts_authorized_until",
         "event_time" = EXCLUDED."event_time"
       WHERE "iam_user_permissions"."event_time" <= EXCLUDED."event_time"`,
      [
        p.userId,
        p.accountId,
        p.userName,
        p.root,
        p.deleted,
        JSON.stringify(policies),
        p.modelartsAuthorized,
        until,
        event.occurredAt,
      ],
    );
  }

  private async applyProject(
    event: ConsumedEvent<typeof ProjectChangedSchema>,
    manager: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    await manager.query(
      `INSERT INTO "${this.schema}"."iam_projects" ("project_id","account_id","region","name","deleted","event_time")
       VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT ("project_id") DO UPDATE SET
         "account_id" = EXCLUDED."account_id", "region" = EXCLUDED."region", "name" = EXCLUDED."name",
         "deleted" = EXCLUDED."deleted", "event_time" = EXCLUDED."event_time"
       WHERE "iam_projects"."event_time" <= EXCLUDED."event_time"`,
      [p.projectId, p.accountId, p.region, p.name, p.deleted, event.occurredAt],
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
