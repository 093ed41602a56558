import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { NotificationEntity } from './notification.entity.js';

/** Every query on service notifications lives here. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: Omit<NotificationEntity, 'createdAt'>): Promise<void> {
    await manager.insert(NotificationEntity, row);
  }

  find(id: string): Promise<NotificationEntity | null> {
    return this.dataSource.manager.findOneBy(NotificationEntity, { id });
  }

  async attemptFailed(id: string, attempts: number, error: string, final: boolean): Promise<void> {
    await this.dataSource.manager.update(
      NotificationEntity,
      { id, status: 'pending' },
      { attempts, lastError: error.slice(0, 1000), ...(final ? { status: 'failed' } : {}) },
    );
  }

  async delivered(id: string, attempts: number): Promise<void> {
    await this.dataSource.manager.update(
      NotificationEntity,
      { id },
      { attempts, status: 'delivered', deliveredAt: new Date(), lastError: null },
    );
  }

  /** Ids of notifications still pending that were created before `cutoff` (re-enqueue). */
  async pendingBefore(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.manager.find(NotificationEntity, {
      select: { id: true },
      where: { status: 'pending', createdAt: LessThan(cutoff) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  async purgeBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.manager.delete(NotificationEntity, {
      createdAt: LessThan(cutoff),
    });
    return result.affected ?? 0;
  }
}
