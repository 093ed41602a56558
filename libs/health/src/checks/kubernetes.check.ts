import { Health, KubeConfig } from '@kubernetes/client-node';
import { type Probe, type ReadinessCheck } from '../probe.js';

export interface KubernetesCheckOptions {
  name?: string;
  /**
   * Whether readiness needs the API server (default false): the reconciler retries, live
   * capacity reads degrade; the admin API answers from the database.
   */
  readiness?: boolean;
  /**
   * A loaded KubeConfig, or the path of a kubeconfig file. Default: the usual lookup
   * ($KUBECONFIG, ~/.kube/config, or the in-cluster service account).
   */
  kubeConfig?: KubeConfig | string;
}

function loadKubeConfig(source: KubeConfig | string | undefined): KubeConfig {
  if (source instanceof KubeConfig) return source;
  const config = new KubeConfig();
  if (source === undefined) config.loadFromDefault();
  else config.loadFromFile(source);
  return config;
}

class KubernetesProbe implements Probe {
  private readonly health: Health;

  constructor(config: KubeConfig) {
    this.health = new Health(config);
  }

  async ping(signal: AbortSignal): Promise<void> {
    if (!(await this.health.readyz({ signal }))) throw new Error('API server is not ready');
  }
}

/** Kubernetes: the API server's GET /readyz with our credentials. */
export function kubernetesCheck(options: KubernetesCheckOptions = {}): ReadinessCheck {
  return {
    name: options.name ?? 'kubernetes',
    readiness: options.readiness ?? false,
    create: () => new KubernetesProbe(loadKubeConfig(options.kubeConfig)),
  };
}
