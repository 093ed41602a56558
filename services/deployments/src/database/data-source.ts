import { type DataSourceOptions } from 'typeorm';
import { serviceDataSourceOptions } from '@maas/database';
import { type DatabaseConfig } from '../config.js';
import { MIGRATIONS } from '../migrations/index.js';
import { ModelServiceEntity } from '../model-services/model-service.entity.js';
import { NotificationEntity } from '../notifications/notification.entity.js';
import { PoolEntity } from '../pools/pool.entity.js';
import { PresetAccessEntity } from '../preset-services/preset-access.entity.js';
import { ServiceEventEntity } from '../service-events/service-event.entity.js';

/** Every entity of the deployments schema; no other service's entity is ever listed here. */
export const ENTITIES = [
  PoolEntity,
  ModelServiceEntity,
  ServiceEventEntity,
  NotificationEntity,
  PresetAccessEntity,
];

/** The one DataSource definition, used by the app, the migrate entrypoint and tests. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    config,
    service: 'deployments',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // The reconciler's workers, the BullMQ workers and the API share the pool.
    poolSize: 20,
  });
}
