import { Global, Module } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { PoolNodesReader } from './pool-nodes.reader.js';

/** The cluster of the NPU pools: its KubeConfig and the live reader of pool nodes. */
@Global()
@Module({
  providers: [
    {
      provide: KubeConfig,
      inject: [DEPLOYMENTS_CONFIG],
      useFactory: (config: DeploymentsConfig) => {
        const kubeConfig = new KubeConfig();
        if (config.KUBECONFIG) kubeConfig.loadFromFile(config.KUBECONFIG);
        else kubeConfig.loadFromDefault();
        return kubeConfig;
      },
    },
    {
      provide: PoolNodesReader,
      inject: [KubeConfig, DEPLOYMENTS_CONFIG],
      useFactory: (kubeConfig: KubeConfig, config: DeploymentsConfig) =>
        new PoolNodesReader(kubeConfig, config.KUBE_REQUEST_TIMEOUT_MS),
    },
  ],
  exports: [KubeConfig, PoolNodesReader],
})
export class KubernetesModule {}
