import { Inject, Injectable, Logger } from '@nestjs/common';
import { type V1Pod } from '@kubernetes/client-node';
import { type ProjectRequestContext } from '@maas/auth';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { KubeClient } from '../kubernetes/kube-client.js';
import { KubeApiError } from '../kubernetes/kube-errors.js';
import { KubernetesUnavailableError } from '../kubernetes/pool-nodes.reader.js';
import { ServiceNotFoundError } from '../model-services/model-services.errors.js';
import { ModelServicesRepository } from '../model-services/model-services.repository.js';
import { CONTAINER_NAME, LABEL } from '../workloads/labels.js';
import {
  DEFAULT_LOG_LINES,
  type LogLineResponse,
  type ServiceLogsQuery,
  type ServiceLogsResponse,
} from './dto/service-logs.dto.js';
import { type LogFilter, parseLogLines } from './log-lines.js';

/** `sinceSeconds` covering `since` (the API takes no absolute time here; lines are filtered after). */
function sinceSecondsOf(since: Date | undefined): { sinceSeconds?: number } {
  if (!since) return {};
  return { sinceSeconds: Math.max(1, Math.ceil((Date.now() - since.getTime()) / 1000)) };
}

/** Bytes read per instance at most (the API server's limitBytes). */
const MAX_BYTES_PER_POD = 2 * 1024 * 1024;
/** Instances read at most (a service has few; this bounds a scaled-out one). */
const MAX_PODS = 32;

/**
 * A service's logs: the model server container's log of each of its pods, read through the
 * Kubernetes API (`GET pods/{pod}/log?timestamps=true&sinceSeconds=…&limitBytes=…`), merged
 * by time and filtered by text and time; the newest `limit` lines, oldest first.
 *
 * An instance whose log cannot be read (not started yet, or its node does not serve logs:
 * simulated KWOK nodes answer 404 for every log) is named in `notes`; the answer is still
 * 200. Only an unreachable Kubernetes API is an error (503).
 */
@Injectable()
export class ReadServiceLogs {
  private readonly logger = new Logger('ServiceLogs');

  constructor(
    private readonly services: ModelServicesRepository,
    private readonly kube: KubeClient,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    query: ServiceLogsQuery,
  ): Promise<ServiceLogsResponse> {
    const service = await this.services.find(ctx.projectId, serviceId);
    if (!service) throw new ServiceNotFoundError(serviceId);
    const filter: LogFilter = {
      search: query.search || undefined,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
    };
    const limit = Math.min(query.limit ?? DEFAULT_LOG_LINES, this.config.LOGS_MAX_LINES);
    const pods = await this.podsOf(service.k8sNamespace, service.id);
    const notes: string[] = [];
    if (pods.length === 0) notes.push('The service has no instance (pod) right now.');
    const lines: LogLineResponse[] = [];
    for (const pod of pods.slice(0, MAX_PODS)) {
      const read = await this.readPod(pod, filter);
      if (typeof read === 'string') notes.push(read);
      else lines.push(...read);
    }
    lines.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const logs = lines.slice(-limit);
    return { service_id: service.id, count: logs.length, logs, notes };
  }

  private async podsOf(namespace: string, serviceId: string): Promise<V1Pod[]> {
    try {
      return await this.kube.listNamespacedPods(namespace, {
        labelSelector: `${LABEL.serviceId}=${serviceId}`,
      });
    } catch (error) {
      throw new KubernetesUnavailableError(error);
    }
  }

  /** The pod's matching lines, or a note saying why there are none. */
  private async readPod(pod: V1Pod, filter: LogFilter): Promise<LogLineResponse[] | string> {
    const name = pod.metadata?.name ?? '';
    const node = pod.spec?.nodeName ?? null;
    let text: string;
    try {
      text = await this.kube.podLog({
        namespace: pod.metadata?.namespace ?? '',
        pod: name,
        container: CONTAINER_NAME,
        limitBytes: MAX_BYTES_PER_POD,
        ...sinceSecondsOf(filter.since),
      });
    } catch (error) {
      if (error instanceof KubeApiError && error.status === null)
        throw new KubernetesUnavailableError(error);
      const why = this.whyNoLog(name, error);
      return `Instance ${name}${node ? ` on ${node}` : ''}: no log available (${why}).`;
    }
    return parseLogLines(text, filter).map((line) => ({
      time: line.time.toISOString(),
      instance: name,
      node,
      message: line.message,
    }));
  }

  /** Why a pod has no log: the API's status, or (logged, never shown) an unexpected error. */
  private whyNoLog(pod: string, error: unknown): string {
    if (error instanceof KubeApiError) return `${error.status} ${error.reason}`;
    this.logger.warn({ msg: 'cannot read a pod log', pod, err: error });
    return 'unexpected error';
  }
}
