import { type DynamicModule, Module } from '@nestjs/common';
import { type AppOptions, errorHandlingProviders, ServiceConfigModule } from '@maas/app';
import { IamProjectionModule, OperatorAuthModule } from '@maas/auth';
import { DatabaseModule } from '@maas/database';
import { HealthModule, kafkaCheck, kubernetesCheck, postgresCheck, redisCheck } from '@maas/health';
import { KafkaModule, OutboxModule } from '@maas/nest-events';
import { ObservabilityModule } from '@maas/observability';
import { CatalogModule } from './model-square/catalog.module.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from './config.js';
import { dataSourceOptions } from './database/data-source.js';
import { DEPLOYMENTS_TOPIC } from './events/deployments-topic.js';
import { JobsModule } from './jobs/jobs.module.js';
import { KubernetesModule } from './kubernetes/kubernetes.module.js';
import { AutoStopModule } from './auto-stop/auto-stop.module.js';
import { MaintenanceModule } from './maintenance/maintenance.module.js';
import { ModelServicesModule } from './model-services/model-services.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PoolsModule } from './pools/pools.module.js';
import { PresetServicesModule } from './preset-services/preset-services.module.js';
import { QuotaLimitsModule } from './quota-limits/quota-limits.module.js';
import { ReconcilerModule } from './reconciler/reconciler.module.js';
import { ResourceUsageModule } from './resource-usage/resource-usage.module.js';
import { EdgeModule } from './edge/edge.module.js';
import { ServiceLogsModule } from './service-logs/service-logs.module.js';

@Module({})
export class AppModule {
  static forRoot(config: DeploymentsConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(DEPLOYMENTS_CONFIG, config),
        ObservabilityModule.forRoot({
          service: 'deployments',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
        }),
        DatabaseModule.forRoot({
          dataSource: dataSourceOptions(config),
          migrate: config.MIGRATIONS_RUN,
        }),
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
        KafkaModule.forRoot({ config, clientId: 'deployments' }),
        OutboxModule.forRoot({ config, topics: [DEPLOYMENTS_TOPIC] }),
        IamProjectionModule.forRoot({
          config,
          consumerName: 'deployments.iam-projection',
          consume: config.CONSUMERS_RUN,
        }),
        OperatorAuthModule.forRoot({ token: config.OPERATOR_TOKEN }),
        JobsModule,
        KubernetesModule,
        CatalogModule,
        PoolsModule,
        QuotaLimitsModule,
        NotificationsModule,
        ModelServicesModule,
        PresetServicesModule,
        MaintenanceModule,
        AutoStopModule,
        ServiceLogsModule,
        ResourceUsageModule,
        EdgeModule,
        ReconcilerModule,
      ],
      providers: errorHandlingProviders(),
    };
  }
}
