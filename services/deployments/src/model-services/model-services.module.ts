import { Global, Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { PoolsModule } from '../pools/pools.module.js';
import { ServiceEventsModule } from '../service-events/service-events.module.js';
import { ServicesOnPool } from '../pools/services-on-pool.port.js';
import { LifecycleMetrics } from './lifecycle-metrics.js';
import { ModelServicesController } from './model-services.controller.js';
import { ModelServicesRepository } from './model-services.repository.js';
import { ServiceLifecycleStore } from './service-lifecycle.store.js';
import { ServiceObservations } from './service-observations.js';
import { DeleteService } from './usecases/delete-service.js';
import { DeployService } from './usecases/deploy-service.js';
import { ReadServices } from './usecases/read-services.js';
import { ScaleService } from './usecases/scale-service.js';
import { SetQps } from './usecases/set-qps.js';
import { UpdateService } from './usecases/update-service.js';
import { UpgradeService } from './usecases/upgrade-service.js';

/**
 * Model services: deploy, read, operate; and the observation path for the reconciler.
 * Global only to provide pools' ServicesOnPool port (pools sit below model-services and never
 * import it); everyone else imports it explicitly.
 */
@Global()
@Module({
  imports: [PoolsModule, NotificationsModule, ServiceEventsModule],
  controllers: [ModelServicesController],
  providers: [
    ModelServicesRepository,
    ServiceLifecycleStore,
    { provide: ServicesOnPool, useExisting: ModelServicesRepository },
    LifecycleMetrics,
    ServiceObservations,
    DeployService,
    ReadServices,
    UpdateService,
    ScaleService,
    SetQps,
    UpgradeService,
    DeleteService,
  ],
  exports: [ServiceObservations, ModelServicesRepository, ServiceLifecycleStore, ServicesOnPool],
})
export class ModelServicesModule {}
