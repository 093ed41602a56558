import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseEndpointOverride } from '@maas/config';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { KubeClient } from '../kubernetes/kube-client.js';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { USAGE_NOT_MEASURED } from '../model-services/dto/service.response.js';
import { LABEL } from '../workloads/labels.js';
import { podTargets } from './pod-target.js';
import { PrometheusSource } from './prometheus-source.js';
import { ScrapeSource } from './scrape-source.js';
import {
  type ServiceUsage,
  type ServiceUsageReader,
  type UsageTotals,
} from '../model-services/service-usage.port.js';
import { instanceUsage, usageTotals } from './usage-figures.js';
import { readFailure, type UsageSource } from './usage-source.js';

/** What the reader needs of a service. */
export interface UsageSubject {
  readonly id: string;
  readonly k8sNamespace: string;
}

const EMPTY: UsageTotals = {
  compute_usage: null,
  memory_usage: null,
  memory_used_mb: null,
  memory_total_mb: null,
  running_requests: null,
  waiting_requests: null,
  kv_cache_usage: null,
};

/** Most services whose figures are kept at once (the cache is small by design). */
const MAX_CACHED = 256;

/**
 * The live usage of a service's instances for its details (seed 002 Table 4-5: compute usage,
 * video memory usage), read on demand from the configured source. Bounded: one read waits
 * USAGE_TIMEOUT_MS at most (then the answer says so and the details still return), a read's
 * result is reused for USAGE_CACHE_MS, and concurrent details calls of one service share
 * one read.
 */
@Injectable()
export class ResourceUsageReader implements ServiceUsageReader {
  private readonly logger = new Logger(ResourceUsageReader.name);
  private readonly source: UsageSource | null;
  private readonly cache = new Map<string, { at: number; usage: Promise<ServiceUsage> }>();

  constructor(
    private readonly kube: KubeClient,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {
    this.source = sourceOf(config);
  }

  /** Whether a source is configured (figures are read on the details call). */
  get measured(): boolean {
    return this.source !== null;
  }

  async read(service: UsageSubject): Promise<ServiceUsage> {
    if (!this.source) return notMeasured();
    const now = Date.now();
    const hit = this.cache.get(service.id);
    if (hit && now - hit.at < this.config.USAGE_CACHE_MS) return hit.usage;
    const usage = this.readNow(this.source, service);
    this.cache.delete(service.id);
    this.cache.set(service.id, { at: now, usage });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return usage;
  }

  private async readNow(source: UsageSource, service: UsageSubject): Promise<ServiceUsage> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.config.USAGE_TIMEOUT_MS);
    try {
      return await Promise.race([
        this.collect(source, service, abort.signal),
        new Promise<never>((_, reject) =>
          abort.signal.addEventListener('abort', () =>
            reject(new DOMException('timed out', 'TimeoutError')),
          ),
        ),
      ]);
    } catch (error) {
      const note =
        error instanceof KubeApiError
          ? `Usage not available: Kubernetes API ${error.status === null ? 'unreachable' : `answered ${error.status}`}`
          : readFailure('Usage not available', error);
      this.logger.warn({ msg: 'resource usage not read', serviceId: service.id, note, err: error });
      return { ...EMPTY, source: source.kind, instances: [], note, observedAt: new Date() };
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  private async collect(
    source: UsageSource,
    service: UsageSubject,
    signal: AbortSignal,
  ): Promise<ServiceUsage> {
    const pods = podTargets(
      await this.kube.listNamespacedPods(service.k8sNamespace, {
        labelSelector: `${LABEL.serviceId}=${service.id}`,
      }),
    );
    const observedAt = new Date();
    if (pods.length === 0)
      return {
        ...EMPTY,
        source: source.kind,
        instances: [],
        note: 'No running instance',
        observedAt,
      };
    const samples = await source.read(pods, signal);
    const instances = samples.map(instanceUsage);
    const failed = instances.filter((i) => i.note !== null).map((i) => `${i.name}: ${i.note}`);
    return {
      ...usageTotals(samples),
      source: source.kind,
      instances,
      note: failed.length === 0 ? null : failed.join('; '),
      observedAt,
    };
  }
}

function notMeasured(): ServiceUsage {
  return { ...EMPTY, source: null, instances: [], note: USAGE_NOT_MEASURED, observedAt: null };
}

function sourceOf(config: DeploymentsConfig): UsageSource | null {
  switch (config.USAGE_SOURCE) {
    case 'prometheus':
      if (!config.USAGE_PROMETHEUS_URL)
        throw new Error('USAGE_SOURCE=prometheus needs USAGE_PROMETHEUS_URL');
      return new PrometheusSource({
        url: config.USAGE_PROMETHEUS_URL,
        podLabel: config.USAGE_PROMETHEUS_POD_LABEL,
        namespaceLabel: config.USAGE_PROMETHEUS_NAMESPACE_LABEL,
      });
    case 'scrape':
      return new ScrapeSource({
        npuExporterPort: config.USAGE_NPU_EXPORTER_PORT,
        override: parseEndpointOverride(config.USAGE_ENDPOINT_OVERRIDE),
      });
    case 'none':
      return null;
  }
}
