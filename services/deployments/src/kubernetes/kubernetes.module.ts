import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsService } from '@maas/observability';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { InstrumentedKubeConfig } from './instrumented-kube-config.js';
import { KubeApiMetrics } from './kube-api-metrics.js';
import { KubeClient } from './kube-client.js';
import { PoolNodesReader } from './pool-nodes.reader.js';
import { TokenBucket } from './token-bucket.js';

/** Closes the shared connection pool to the API server on shutdown. */
@Injectable()
class KubeConnections implements OnApplicationShutdown {
  constructor(@Inject(KubeConfig) private readonly kubeConfig: InstrumentedKubeConfig) {}

  async onApplicationShutdown(): Promise<void> {
    await this.kubeConfig.close();
  }
}

/**
 * The cluster of the NPU pools: one KubeConfig (one connection pool, every request counted
 * and timed out), the rate-limited client the reconciler uses, and the live reader of pool
 * nodes.
 */
@Global()
@Module({
  providers: [
    {
      provide: KubeApiMetrics,
      inject: [MetricsService],
      useFactory: (metrics: MetricsService) => new KubeApiMetrics(metrics),
    },
    {
      provide: KubeConfig,
      inject: [DEPLOYMENTS_CONFIG, KubeApiMetrics],
      useFactory: (config: DeploymentsConfig, metrics: KubeApiMetrics) => {
        const kubeConfig = new InstrumentedKubeConfig(config.KUBE_REQUEST_TIMEOUT_MS);
        if (config.KUBECONFIG) kubeConfig.loadFromFile(config.KUBECONFIG);
        else kubeConfig.loadFromDefault();
        kubeConfig.onRequest((request) => metrics.count(request));
        return kubeConfig;
      },
    },
    {
      provide: KubeClient,
      inject: [KubeConfig, DEPLOYMENTS_CONFIG],
      useFactory: (kubeConfig: KubeConfig, config: DeploymentsConfig) =>
        new KubeClient(kubeConfig, new TokenBucket(config.KUBE_QPS, config.KUBE_BURST)),
    },
    {
      provide: PoolNodesReader,
      inject: [KubeConfig, DEPLOYMENTS_CONFIG],
      useFactory: (kubeConfig: KubeConfig, config: DeploymentsConfig) =>
        new PoolNodesReader(kubeConfig, config.KUBE_REQUEST_TIMEOUT_MS),
    },
    KubeConnections,
  ],
  exports: [KubeConfig, KubeClient, KubeApiMetrics, PoolNodesReader],
})
export class KubernetesModule {}
