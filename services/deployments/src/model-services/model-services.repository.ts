import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager, In, QueryFailedError } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { type ServiceState } from '../lifecycle/index.js';
import { type Page } from '../common/pagination.dto.js';
import { ServicesOnPool } from '../pools/services-on-pool.port.js';
import { type InstanceStatus, ModelServiceEntity } from './model-service.entity.js';
import { ServiceNameTakenError } from './model-services.errors.js';
import { InvalidDeployRequestError } from '../validation/index.js';
import { type AmendedFields, type RowChanges } from './service-row.js';

export interface ServiceFilter {
  readonly state?: ServiceState;
  /** Case-insensitive part of the name. */
  readonly name?: string;
}

/** What the reconciler observed; written without a version check (only it writes these). */
export interface ObservedStatus {
  readonly observedGeneration?: number;
  readonly readyInstances?: number;
  readonly instanceStatuses?: InstanceStatus[];
  readonly computeUsage?: number | null;
  readonly memoryUsage?: number | null;
  readonly queuePosition?: number | null;
}

/** A queued service as admission reads it. */
export interface QueuedRow {
  readonly id: string;
  readonly queuedAt: Date;
  readonly instances: number;
  readonly npusPerInstance: number;
  readonly nodesPerInstance: number;
}

/** An admitted service that should run, as admission's reservations read it. */
export interface AdmittedRow {
  readonly id: string;
  readonly state: ServiceState;
  readonly instances: number;
  readonly npusPerInstance: number;
  readonly nodesPerInstance: number;
}

/** States the reconciler keeps looking at until they settle. */
const UNSETTLED_STATES: readonly ServiceState[] = [
  'queuing',
  'deploying',
  'starting',
  'updating',
  'upgrading',
  'stopping',
  'deleting',
];

/** Every query on model services lives here. */
@Injectable()
export class ModelServicesRepository implements ServicesOnPool {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts a new service; a name taken in the project is a ServiceNameTakenError. */
  async insert(manager: EntityManager, row: ModelServiceEntity): Promise<void> {
    try {
      await manager.insert(ModelServiceEntity, row);
    } catch (error) {
      if (isUniqueViolation(error, 'model_services_project_name_key'))
        throw new ServiceNameTakenError(row.name);
      if (isForeignKeyViolation(error))
        // The pool was deleted between validation and insert.
        throw new InvalidDeployRequestError([
          { field: 'config[0].cluster_id', problem: 'is not a resource pool of this project' },
        ]);
      throw error;
    }
  }

  /** A service of the project; another project's (or a malformed) id finds nothing. */
  async find(
    projectId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<ModelServiceEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(ModelServiceEntity, { id, projectId });
  }

  /** Any service by id (the reconciler's internal path). */
  async findById(id: string, manager?: EntityManager): Promise<ModelServiceEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(ModelServiceEntity, { id });
  }

  list(
    projectId: string,
    filter: ServiceFilter,
    page: Page,
  ): Promise<[ModelServiceEntity[], number]> {
    const query = this.db()
      .createQueryBuilder(ModelServiceEntity, 's')
      .where('s.projectId = :projectId', { projectId });
    if (filter.state) query.andWhere('s.state = :state', { state: filter.state });
    if (filter.name)
      query.andWhere("s.name ILIKE :name ESCAPE '\\'", { name: `%${escapeLike(filter.name)}%` });
    return query
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
  }

  /** Writes a transition if the row is still at `version`; false when another won. */
  async updateIfVersion(
    manager: EntityManager,
    id: string,
    version: number,
    changes: RowChanges,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ModelServiceEntity)
      .set(changes)
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected === 1;
  }

  /**
   * Writes an amendment (a change outside the lifecycle, see ServiceLifecycleStore.amend) if
   * the service is still at `version`, bumping it; false when another change won.
   */
  async amendIfVersion(
    manager: EntityManager,
    id: string,
    version: number,
    changes: AmendedFields,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(ModelServiceEntity)
      .set({ ...changes, version: version + 1 })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected === 1;
  }

  /** ServicesOnPool (the pools' port): names of the services on a pool, by name. */
  async serviceNamesOn(
    poolId: string,
    flavorIds?: readonly string[],
    manager?: EntityManager,
  ): Promise<string[]> {
    const rows = await this.db(manager).find(ModelServiceEntity, {
      select: { name: true },
      where: { poolId, ...(flavorIds ? { flavorId: In([...flavorIds]) } : {}) },
      order: { name: 'ASC' },
    });
    return rows.map((r) => r.name);
  }

  /** The preset services of the region, by name. */
  presetsOf(region: string): Promise<ModelServiceEntity[]> {
    return this.db().find(ModelServiceEntity, {
      where: { region, preset: true },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  /**
   * A preset service of the region; with `manager`, its row is share-locked for the
   * transaction (an access change then cannot race its unpublishing or removal).
   */
  async findPreset(
    region: string,
    id: string,
    manager?: EntityManager,
  ): Promise<ModelServiceEntity | null> {
    if (!isUUID(id)) return null;
    const query = this.db(manager)
      .createQueryBuilder(ModelServiceEntity, 's')
      .where('s.id = :id AND s.region = :region AND s.preset', { id, region });
    if (manager) query.setLock('pessimistic_read');
    return query.getOne();
  }

  /** Removes the row if it is still at `version` (cleanup done); false when another won. */
  async deleteIfVersion(manager: EntityManager, id: string, version: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(ModelServiceEntity)
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return result.affected === 1;
  }

  /** The pool's queued services (admission; any order: planAdmission sorts them). */
  async queuedOn(poolId: string): Promise<QueuedRow[]> {
    const rows = await this.db().find(ModelServiceEntity, {
      select: {
        id: true,
        queuedAt: true,
        instances: true,
        npusPerInstance: true,
        nodesPerInstance: true,
      },
      where: { poolId, state: 'queuing' },
    });
    return rows.map((r) => ({ ...r, queuedAt: r.queuedAt ?? new Date(0) }));
  }

  /** Services of the pool admitted and meant to run (their pods hold or will hold NPUs). */
  admittedOn(poolId: string): Promise<AdmittedRow[]> {
    return this.db()
      .createQueryBuilder(ModelServiceEntity, 's')
      .select(['s.id', 's.state', 's.instances', 's.npusPerInstance', 's.nodesPerInstance'])
      .where("s.poolId = :poolId AND s.desiredStatus = 'running' AND s.state <> 'queuing'", {
        poolId,
      })
      .getMany();
  }

  /** Pools with at least one queued service. */
  async poolsWithQueue(): Promise<string[]> {
    const rows: { pool_id: string }[] = await this.db()
      .createQueryBuilder(ModelServiceEntity, 's')
      .select('DISTINCT s.poolId', 'pool_id')
      .where("s.state = 'queuing'")
      .getRawMany();
    return rows.map((r) => r.pool_id);
  }

  /**
   * Services whose desired state was not acted on yet, or that are still changing, with
   * their versions (the reconciler drops cached rows that are behind).
   */
  unsettled(): Promise<{ id: string; version: number }[]> {
    return this.db()
      .createQueryBuilder(ModelServiceEntity, 's')
      .select(['s.id', 's.version'])
      .where('s.observedGeneration <> s.generation OR s.state IN (:...states)', {
        states: UNSETTLED_STATES,
      })
      .getMany();
  }

  /** Every service, whole (the reconciler's resync reloads its row cache in one query). */
  all(): Promise<ModelServiceEntity[]> {
    return this.db().find(ModelServiceEntity);
  }

  /** Every service id (the periodic resync). */
  async allIds(poolId?: string): Promise<string[]> {
    const rows = await this.db().find(ModelServiceEntity, {
      select: { id: true },
      where: poolId ? { poolId } : {},
    });
    return rows.map((r) => r.id);
  }

  /**
   * Updates the description: not a lifecycle change, so no event and no version bump (the
   * version counts the service's events); the last writer wins on this one field.
   */
  async updateDescription(id: string, description: string): Promise<void> {
    await this.db().update(ModelServiceEntity, { id }, { description });
  }

  /**
   * Writes observed fields, skipping the write when nothing differs (no row update, no
   * `updated_at` churn). Returns whether a row was written.
   */
  async recordObserved(id: string, observed: ObservedStatus): Promise<boolean> {
    const set: Record<string, unknown> = {};
    const differs: string[] = [];
    const columns: [keyof ObservedStatus, string, string | undefined][] = [
      ['observedGeneration', 'observed_generation', '::bigint'],
      ['readyInstances', 'ready_instances', '::int'],
      ['instanceStatuses', 'instance_statuses', '::jsonb'],
      ['computeUsage', 'compute_usage', '::real'],
      ['memoryUsage', 'memory_usage', '::real'],
      ['queuePosition', 'queue_position', '::int'],
    ];
    const params: unknown[] = [id];
    for (const [key, column, cast] of columns) {
      const value = observed[key];
      if (value === undefined) continue;
      params.push(key === 'instanceStatuses' ? JSON.stringify(value) : value);
      const p = `$${params.length}${cast ?? ''}`;
      set[column] = p;
      differs.push(`${column} IS DISTINCT FROM ${p}`);
    }
    if (differs.length === 0) return false;
    const assignments = Object.entries(set).map(([column, p]) => `${column} = ${p as string}`);
    const table = this.dataSource.getMetadata(ModelServiceEntity).tablePath;
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE ${quotePath(table)} SET ${assignments.join(', ')}, observed_at = now()
        WHERE id = $1 AND (${differs.join(' OR ')}) RETURNING id`,
      params,
    );
    return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length > 0 : rows.length > 0;
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503'
  );
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function quotePath(path: string): string {
  return path
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}
