import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { PresetAccessEntity } from './preset-access.entity.js';

/** One account's access to one preset service after a change, with its new version. */
export interface AccessChange {
  readonly accountId: string;
  readonly serviceId: string;
  readonly enabled: boolean;
  readonly version: number;
}

interface AccessRow {
  account_id: string;
  service_id: string;
  enabled: boolean;
  version: number;
}

const toChange = (r: AccessRow): AccessChange => ({
  accountId: r.account_id,
  serviceId: r.service_id,
  enabled: r.enabled,
  version: r.version,
});

/** Every query on preset_access lives here. */
@Injectable()
export class PresetAccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  private table(manager: EntityManager): string {
    return manager.connection.getMetadata(PresetAccessEntity).tablePath;
  }

  /**
   * Sets the account's access; returns the change, or null when it already was so (an
   * idempotent repeat writes and publishes nothing).
   */
  async set(
    manager: EntityManager,
    accountId: string,
    serviceId: string,
    enabled: boolean,
  ): Promise<AccessChange | null> {
    const t = this.table(manager);
    const rows: AccessRow[] = await manager.query(
      `INSERT INTO ${t} AS a (account_id, service_id, enabled) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, service_id) DO UPDATE
         SET enabled = EXCLUDED.enabled, version = a.version + 1, updated_at = now()
         WHERE a.enabled IS DISTINCT FROM EXCLUDED.enabled
       RETURNING account_id, service_id, enabled, version`,
      [accountId, serviceId, enabled],
    );
    // A first "disable" of a never-enabled service inserts a row at version 1: still a
    // change worth publishing (the gateway learns the account's explicit choice).
    return rows[0] ? toChange(rows[0]) : null;
  }

  /** Disables every enabled access to the service (it is being removed); the changes. */
  async revokeAll(manager: EntityManager, serviceId: string): Promise<AccessChange[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows]: [AccessRow[], number] = await manager.query(
      `UPDATE ${this.table(manager)}
         SET enabled = false, version = version + 1, updated_at = now()
         WHERE service_id = $1 AND enabled
       RETURNING account_id, service_id, enabled, version`,
      [serviceId],
    );
    return rows.map(toChange);
  }

  /** The ids, among `serviceIds`, the account enabled. */
  async enabledAmong(accountId: string, serviceIds: readonly string[]): Promise<Set<string>> {
    if (serviceIds.length === 0) return new Set();
    const rows = await this.dataSource.manager.find(PresetAccessEntity, {
      select: { serviceId: true },
      where: { accountId, serviceId: In([...serviceIds]), enabled: true },
    });
    return new Set(rows.map((r) => r.serviceId));
  }

  /** How many accounts enabled each of the services. */
  async enabledCounts(serviceIds: readonly string[]): Promise<Map<string, number>> {
    if (serviceIds.length === 0) return new Map();
    const rows: { service_id: string; n: string }[] = await this.dataSource.manager.query(
      `SELECT service_id, count(*) AS n FROM ${this.table(this.dataSource.manager)}
         WHERE enabled AND service_id = ANY($1::uuid[]) GROUP BY service_id`,
      [[...serviceIds]],
    );
    return new Map(rows.map((r) => [r.service_id, Number(r.n)]));
  }
}
