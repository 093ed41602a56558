import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type AppOptions, ServiceConfigModule } from '@maas/app';
import { HealthModule, kafkaCheck, kubernetesCheck, redisCheck } from '@maas/health';
import { KafkaModule } from '@maas/nest-events';
import { ObservabilityModule } from '@maas/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from './config.js';
import { projectionReadinessChecks } from './health/readiness.js';
import { GatewayExceptionFilter } from './inference/gateway-exception.filter.js';
import { InferenceModule } from './inference/inference.module.js';
import { ProjectionsModule } from './inference/projections.module.js';
import { UsageModule } from './usage/index.js';

/**
 * The inference gateway (SPEC §8): no database; projections from Kafka and Kubernetes, the
 * shared limiter on Redis, usage events to maas.usage.v1, and the inference routes.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(GATEWAY_CONFIG, config),
        ObservabilityModule.forRoot({
          service: 'gateway',
          level: config.LOG_LEVEL,
          destination: options.logDestination,
          // The inference routes write their own access line (request id, status, latency, no
          // secrets): the generic per-request HTTP logger would only add cost on the hot path.
          excludeRoutes: ['/v1/', '/api/v2/'],
        }),
        HealthModule.forRoot({
          // Readiness: the projections. Kafka, Redis and Kubernetes are reported at /health
          // without failing readiness: the gateway serves through their outages.
          checks: [
            ...projectionReadinessChecks(),
            kafkaCheck({ brokers: config.KAFKA_BROKERS, clientId: 'gateway-health' }),
            redisCheck({ url: config.REDIS_URL }),
            kubernetesCheck(config.KUBECONFIG ? { kubeConfig: config.KUBECONFIG } : {}),
          ],
          shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
        }),
        KafkaModule.forRoot({ config, clientId: 'gateway' }),
        UsageModule.forRoot(config),
        ProjectionsModule,
        InferenceModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: GatewayExceptionFilter }],
    };
  }
}
