import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { PoolEntity } from './pool.entity.js';
import { PoolModifiedError, PoolNameTakenError } from './pools.errors.js';

export type NewPool = Pick<
  PoolEntity,
  | 'accountId'
  | 'projectId'
  | 'name'
  | 'description'
  | 'region'
  | 'nodeSelector'
  | 'taint'
  | 'npuResourceName'
  | 'flavorIds'
> &
  Partial<Pick<PoolEntity, 'edge'>>;

export type PoolChanges = Partial<
  Pick<PoolEntity, 'description' | 'nodeSelector' | 'taint' | 'npuResourceName' | 'flavorIds'>
>;

/** Every query on pools lives here. */
@Injectable()
export class PoolsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(pool: NewPool): Promise<PoolEntity> {
    try {
      const repo = this.db().getRepository(PoolEntity);
      return await repo.save(repo.create(pool));
    } catch (error) {
      if (isUniqueViolation(error, 'pools_project_name_key'))
        throw new PoolNameTakenError(pool.name);
      throw error;
    }
  }

  /** A pool of the project; another project's (or a malformed) id finds nothing. */
  async find(projectId: string, id: string, manager?: EntityManager): Promise<PoolEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(PoolEntity, { id, projectId });
  }

  /** Any pool by id (the reconciler's internal path). */
  async findById(id: string): Promise<PoolEntity | null> {
    if (!isUUID(id)) return null;
    return this.db().findOneBy(PoolEntity, { id });
  }

  listOf(projectId: string): Promise<PoolEntity[]> {
    return this.db().find(PoolEntity, { where: { projectId }, order: { createdAt: 'ASC' } });
  }

  /** Writes `changes` if the pool is still at `version`; else PoolModifiedError. */
  async update(pool: PoolEntity, changes: PoolChanges): Promise<void> {
    const result = await this.db()
      .createQueryBuilder()
      .update(PoolEntity)
      .set({ ...changes, version: pool.version + 1 })
      .where('id = :id AND version = :version', { id: pool.id, version: pool.version })
      .execute();
    if (result.affected !== 1) throw new PoolModifiedError(pool.id);
  }

  async delete(manager: EntityManager, pool: PoolEntity): Promise<void> {
    await manager.delete(PoolEntity, { id: pool.id });
  }

  /** Locks the pool row (delete and flavor changes vs. a concurrent deploy onto it). */
  async lock(manager: EntityManager, id: string): Promise<void> {
    await manager
      .createQueryBuilder(PoolEntity, 'p')
      .select('p.id')
      .where('p.id = :id', { id })
      .setLock('pessimistic_write')
      .getRawOne();
  }
}
