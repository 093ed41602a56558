import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { quoteIdent } from '@maas/database';
import { isUuid } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';

export type SubjectType = 'key' | 'service';

/** A rate-limit policy: RPM/TPM of a key (optionally for one model), or QPS of a service. */
export interface Policy {
  id: string;
  accountId: string;
  projectId: string;
  subjectType: SubjectType;
  subjectId: string;
  /** '' = every model. */
  model: string;
  rpm: number;
  tpm: number;
  qps: number;
  /** admin: set through the API; deployments: a service's QPS from maas.deployments.v1. */
  source: 'admin' | 'deployments';
  /** For deployments policies: the service version it came from. */
  sourceVersion: number;
  version: number;
  updatedAt: Date;
}

export type PolicyInput = Omit<Policy, 'id' | 'version' | 'updatedAt'>;

interface Row {
  id: string;
  account_id: string;
  project_id: string;
  subject_type: SubjectType;
  subject_id: string;
  model: string;
  rpm: number;
  tpm: number;
  qps: number;
  source: 'admin' | 'deployments';
  source_version: string;
  version: string;
  updated_at: Date;
}

const COLUMNS = `id, account_id, project_id, subject_type, subject_id, model, rpm, tpm, qps, source, source_version, version, updated_at`;

const toPolicy = (r: Row): Policy => ({
  id: r.id,
  accountId: r.account_id,
  projectId: r.project_id,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  model: r.model,
  rpm: r.rpm,
  tpm: r.tpm,
  qps: r.qps,
  source: r.source,
  sourceVersion: Number(r.source_version),
  version: Number(r.version),
  updatedAt: r.updated_at,
});

/** Every query on rate-limit policies. */
@Injectable()
export class PoliciesRepository {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUOTAS_CONFIG) config: QuotasConfig,
  ) {
    this.s = quoteIdent(config.DB_SCHEMA);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serializes changes of one subject's policies (held until the transaction ends). */
  async lockSubject(manager: EntityManager, type: SubjectType, subjectId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('quotas.policy'), hashtext($1))`, [
      `${type}:${subjectId}`,
    ]);
  }

  async find(
    manager: EntityManager,
    type: SubjectType,
    subjectId: string,
    model = '',
  ): Promise<Policy | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${this.s}.rate_limit_policies WHERE subject_type = $1 AND subject_id = $2 AND model = $3`,
      [type, subjectId, model],
    );
    return rows[0] && toPolicy(rows[0]);
  }

  async ofSubject(manager: EntityManager, type: SubjectType, subjectId: string): Promise<Policy[]> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${this.s}.rate_limit_policies WHERE subject_type = $1 AND subject_id = $2 ORDER BY model`,
      [type, subjectId],
    );
    return rows.map(toPolicy);
  }

  /** Creates or replaces the subject's policy (same id on replace), with the next version. */
  async upsert(manager: EntityManager, input: PolicyInput): Promise<Policy> {
    const version = await this.nextVersion(
      manager,
      input.subjectType,
      input.subjectId,
      input.model,
    );
    const [row] = await manager.query<Row[]>(
      `INSERT INTO ${this.s}.rate_limit_policies
         (id, account_id, project_id, subject_type, subject_id, model, rpm, tpm, qps, source, source_version, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())
       ON CONFLICT (subject_type, subject_id, model) DO UPDATE SET
         rpm = EXCLUDED.rpm, tpm = EXCLUDED.tpm, qps = EXCLUDED.qps, source = EXCLUDED.source,
         source_version = EXCLUDED.source_version, version = EXCLUDED.version, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        input.accountId,
        input.projectId,
        input.subjectType,
        input.subjectId,
        input.model,
        input.rpm,
        input.tpm,
        input.qps,
        input.source,
        input.sourceVersion,
        version,
      ],
    );
    return toPolicy(row);
  }

  /** Deletes a policy; returns it with the version its removal is published with. */
  async remove(manager: EntityManager, policy: Policy): Promise<Policy> {
    await manager.query(`DELETE FROM ${this.s}.rate_limit_policies WHERE id = $1`, [policy.id]);
    const version = await this.nextVersion(
      manager,
      policy.subjectType,
      policy.subjectId,
      policy.model,
    );
    return { ...policy, version };
  }

  async setSourceVersion(manager: EntityManager, id: string, sourceVersion: number): Promise<void> {
    await manager.query(
      `UPDATE ${this.s}.rate_limit_policies SET source_version = $2 WHERE id = $1`,
      [id, sourceVersion],
    );
  }

  async listOfProject(accountId: string, projectId: string): Promise<Policy[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${this.s}.rate_limit_policies WHERE account_id = $1 AND project_id = $2
        ORDER BY subject_type, subject_id, model`,
      [accountId, projectId],
    );
    return rows.map(toPolicy);
  }

  async findInProject(
    accountId: string,
    projectId: string,
    id: string,
  ): Promise<Policy | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM ${this.s}.rate_limit_policies WHERE id = $1 AND account_id = $2 AND project_id = $3`,
      [id, accountId, projectId],
    );
    return rows[0] && toPolicy(rows[0]);
  }

  private async nextVersion(
    manager: EntityManager,
    type: SubjectType,
    subjectId: string,
    model: string,
  ): Promise<number> {
    const [row] = await manager.query<{ version: string }[]>(
      `INSERT INTO ${this.s}.policy_versions (subject_type, subject_id, model, version) VALUES ($1, $2, $3, 1)
       ON CONFLICT (subject_type, subject_id, model) DO UPDATE SET version = policy_versions.version + 1
       RETURNING version`,
      [type, subjectId, model],
    );
    return Number(row.version);
  }
}
