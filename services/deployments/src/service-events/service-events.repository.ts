import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { type Page } from '../common/pagination.dto.js';
import { ServiceEventEntity } from './service-event.entity.js';

/** Every query on service events lives here. */
@Injectable()
export class ServiceEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, event: Omit<ServiceEventEntity, 'id'>): Promise<void> {
    await manager.insert(ServiceEventEntity, event);
  }

  /** A service's events, newest first. */
  list(serviceId: string, page: Page): Promise<[ServiceEventEntity[], number]> {
    return this.dataSource.manager.findAndCount(ServiceEventEntity, {
      where: { serviceId },
      order: { version: 'DESC' },
      skip: page.offset,
      take: page.limit,
    });
  }

  /** Deletes the events that occurred before `cutoff`; returns how many. */
  async purgeBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.manager.delete(ServiceEventEntity, {
      occurredAt: LessThan(cutoff),
    });
    return result.affected ?? 0;
  }
}
