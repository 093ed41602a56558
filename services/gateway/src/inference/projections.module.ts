import {
  type BeforeApplicationShutdown,
  Global,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { type Kafka } from 'kafkajs';
import { ApiKeyHasher, KeyProjection, KeyProjectionConsumer } from '@maas/api-keys';
import { MemoryIamProjection, MemoryIamProjectionConsumer } from '@maas/auth';
import { parseEndpointOverride } from '@maas/config';
import { BackgroundConsumers, type Startable } from '@maas/events';
import { eventsLogger, KAFKA } from '@maas/nest-events';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config.js';
import { ServiceDirectory, ServiceDirectoryConsumer } from '../directory/index.js';
import { InstanceRegistry } from '../instances/index.js';
import { LimitPolicies, LimitPoliciesConsumer } from '../policies/index.js';

const logger = eventsLogger('Projections');

/** The kubeconfig of KUBECONFIG, or the pod's service account in the cluster. */
export function kubeConfigFor(path: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}

/**
 * Starts the gateway's projections in the background at bootstrap (each retried until Kafka /
 * its topic / the API server is there; the gateway is not ready until all have caught up) and
 * stops them on shutdown, after the HTTP server has drained.
 */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers = new BackgroundConsumers(logger);

  constructor(
    private readonly keys: KeyProjectionConsumer,
    private readonly services: ServiceDirectoryConsumer,
    private readonly policies: LimitPoliciesConsumer,
    private readonly iam: MemoryIamProjectionConsumer,
    private readonly instances: InstanceRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const named: [string, Startable][] = [
      ['keys', this.keys],
      ['services', this.services],
      ['policies', this.policies],
      ['iam', this.iam],
      ['instances', this.instances],
    ];
    this.consumers.start(named);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumers.stop();
  }
}

/**
 * The gateway's in-memory state, each piece rebuilt from its source at start (SPEC §8: no
 * database, no call to another service per request): API keys (maas.keys.v1), model services
 * and preset access (maas.deployments.v1), limit policies and free-quota exhaustion
 * (maas.quotas.v1), IAM users, projects and frozen accounts (maas.iam.v1), and the ready
 * instances of each service (Kubernetes EndpointSlices, through ENDPOINT_OVERRIDE locally).
 */
@Global()
@Module({
  providers: [
    {
      provide: KeyProjection,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => new KeyProjection(new ApiKeyHasher(c.API_KEY_PEPPER)),
    },
    {
      provide: KeyProjectionConsumer,
      inject: [GATEWAY_CONFIG, KAFKA, KeyProjection],
      useFactory: (c: GatewayConfig, kafka: Kafka, projection: KeyProjection) =>
        new KeyProjectionConsumer({ kafka, projection, topicPrefix: c.KAFKA_TOPIC_PREFIX, logger }),
    },
    {
      provide: ServiceDirectory,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) => new ServiceDirectory({ region: c.REGION }),
    },
    {
      provide: ServiceDirectoryConsumer,
      inject: [GATEWAY_CONFIG, KAFKA, ServiceDirectory],
      useFactory: (c: GatewayConfig, kafka: Kafka, directory: ServiceDirectory) =>
        new ServiceDirectoryConsumer({
          kafka,
          directory,
          topicPrefix: c.KAFKA_TOPIC_PREFIX,
          logger,
        }),
    },
    { provide: LimitPolicies, useFactory: () => new LimitPolicies() },
    {
      provide: LimitPoliciesConsumer,
      inject: [GATEWAY_CONFIG, KAFKA, LimitPolicies],
      useFactory: (c: GatewayConfig, kafka: Kafka, policies: LimitPolicies) =>
        new LimitPoliciesConsumer({ kafka, policies, topicPrefix: c.KAFKA_TOPIC_PREFIX, logger }),
    },
    { provide: MemoryIamProjection, useFactory: () => new MemoryIamProjection() },
    {
      provide: MemoryIamProjectionConsumer,
      inject: [GATEWAY_CONFIG, KAFKA, MemoryIamProjection],
      useFactory: (c: GatewayConfig, kafka: Kafka, projection: MemoryIamProjection) =>
        new MemoryIamProjectionConsumer({
          kafka,
          projection,
          topicPrefix: c.KAFKA_TOPIC_PREFIX,
          logger,
        }),
    },
    {
      provide: InstanceRegistry,
      inject: [GATEWAY_CONFIG],
      useFactory: (c: GatewayConfig) =>
        new InstanceRegistry({
          kubeConfig: kubeConfigFor(c.KUBECONFIG),
          override: parseEndpointOverride(c.ENDPOINT_OVERRIDE),
          logger: eventsLogger('Instances'),
        }),
    },
    ProjectionsLifecycle,
  ],
  exports: [
    KeyProjection,
    KeyProjectionConsumer,
    ServiceDirectory,
    ServiceDirectoryConsumer,
    LimitPolicies,
    LimitPoliciesConsumer,
    MemoryIamProjection,
    MemoryIamProjectionConsumer,
    InstanceRegistry,
  ],
})
export class ProjectionsModule {}
