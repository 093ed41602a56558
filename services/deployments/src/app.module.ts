import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { type DestinationStream } from 'pino';
import { OperatorAuthModule } from '@maas/auth';
import { createValidationPipe, MaasExceptionFilter } from '@maas/errors';
import { HealthModule, kafkaCheck, kubernetesCheck, postgresCheck, redisCheck } from '@maas/health';
import { ObservabilityModule } from '@maas/observability';
import { CatalogModule } from './model-square/catalog.module.js';
import { DeploymentsConfigModule } from './common/config.module.js';
import { type DeploymentsConfig } from './config.js';
import { DatabaseModule } from './database/database.module.js';
import { EventsModule } from './events/events.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KubernetesModule } from './kubernetes/kubernetes.module.js';
import { AutoStopModule } from './auto-stop/auto-stop.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { ModelServicesModule } from './model-services/model-services.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PoolsModule } from './pools/pools.module.js';
import { PresetServicesModule } from './preset-services/preset-services.module.js';
import { ReconcilerModule } from './reconciler/reconciler.module.js';
import { ResourceUsageModule } from './resource-usage/resource-usage.module.js';
import { ServiceLogsModule } from './service-logs/service-logs.module.js';

export interface AppOptions {
  /** Where logs go (default stdout); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: DeploymentsConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DeploymentsConfigModule.forRoot(config),
        ObservabilityModule.forRoot({
          service: 'deployments',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot(config, { migrate: config.MIGRATIONS_RUN }),
        HealthModule.forRoot({
          // Readiness needs the database only. Kafka (outbox), Redis (BullMQ jobs) and the
          // Kubernetes API (reconciler, live capacity) show on /health and in metrics: an
          // outage of one degrades those features without taking replicas out (SPEC §10).
          checks: [
            postgresCheck(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'deployments-health' }),
            redisCheck({ url: config.REDIS_URL }),
            kubernetesCheck({ kubeConfig: config.KUBECONFIG }),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        OperatorAuthModule.forRoot({ token: config.OPERATOR_TOKEN }),
        EventsModule,
        JobsModule,
        KubernetesModule,
        CatalogModule,
        PoolsModule,
        NotificationsModule,
        ModelServicesModule,
        PresetServicesModule,
        MaintenanceModule,
        AutoStopModule,
        ServiceLogsModule,
        ResourceUsageModule,
        ReconcilerModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: MaasExceptionFilter },
        { provide: APP_PIPE, useFactory: () => createValidationPipe() },
      ],
    };
  }
}
