import { Inject, Injectable, Logger } from '@nestjs/common';
import { CoreV1Api, KubeConfig, type V1Node, type V1Service } from '@kubernetes/client-node';
import { isCallable, type ServiceState } from '../lifecycle/index.js';
import { type EdgeCall, type EdgeCallPaths } from '../model-services/edge-call.port.js';
import { type PoolEdge } from '../pools/edge-access.js';
import { PoolsRepository } from '../pools/pools.repository.js';
import { KubeClient } from '../kubernetes/kube-client.js';
import { LABEL } from '../workloads/labels.js';
import { edgeServiceName } from './edge-service.js';

/** The inference path after the address (SPEC §8: the OpenAI-compatible chat API). */
export const EDGE_INFERENCE_PATH = '/v1/chat/completions';

/** A details call waits this long for the edge Service and nodes at most. */
const READ_TIMEOUT_MS = 2_000;

type Subject = Parameters<EdgeCallPaths['of']>[0];

/**
 * The edge call paths of a service on an edge pool (seed 000, edge deployment mode), read
 * live from its edge Service (rendered by the reconciler, see edge-service.ts):
 * - load_balancing: `http://{address}:{port}{api_url}/v1/chat/completions` for each address
 *   in the Service's `status.loadBalancer.ingress` (what the cloud's load balancer controller
 *   assigns); none yet → a note says so;
 * - node: `http://{node address}:{node port}/v1/chat/completions` for each node running a
 *   ready instance (ExternalIP, else InternalIP), the node port from the Service.
 */
@Injectable()
export class EdgeCallPathsReader implements EdgeCallPaths {
  private readonly logger = new Logger(EdgeCallPathsReader.name);
  private readonly core: CoreV1Api;

  constructor(
    private readonly pools: PoolsRepository,
    private readonly kube: KubeClient,
    @Inject(KubeConfig) kubeConfig: KubeConfig,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async of(service: Subject): Promise<EdgeCall | null> {
    const pool = await this.pools.findById(service.poolId);
    if (!pool?.edge) return null;
    const edge = pool.edge;
    if (!isCallable(service.state as ServiceState))
      return call(edge, [], 'The service is not running: no edge call path');
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.read(service, edge),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), READ_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn({ msg: 'edge call paths not read', serviceId: service.id, err: error });
      return call(edge, [], 'The edge address could not be read from Kubernetes just now');
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(service: Subject, edge: PoolEdge): Promise<EdgeCall> {
    // Lists by name, not gets: the reconciler's ClusterRole lists and watches Services and
    // nodes (helm/maas/templates/rbac.yaml) and has no get on either.
    const svc = (
      await this.core.listNamespacedService({
        namespace: service.k8sNamespace,
        fieldSelector: `metadata.name=${edgeServiceName(service.k8sName)}`,
      })
    ).items.at(0);
    if (!svc) return call(edge, [], 'The edge Service is not created yet');
    return edge.accessMode === 'load_balancing'
      ? loadBalancerCall(edge, svc)
      : this.nodeCall(service, edge, svc);
  }

  private async nodeCall(service: Subject, edge: PoolEdge, svc: V1Service): Promise<EdgeCall> {
    const nodePort = svc.spec?.ports?.[0]?.nodePort;
    if (!nodePort) return call(edge, [], 'No node port assigned yet');
    // The pods the edge Service selects (of a multi-server service: the leaders only).
    const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`);
    const pods = await this.kube.listNamespacedPods(service.k8sNamespace, {
      labelSelector: [`${LABEL.serviceId}=${service.id}`, ...selector].join(','),
    });
    const nodes = [
      ...new Set(
        pods
          .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
          .flatMap((p) => (p.spec?.nodeName ? [p.spec.nodeName] : [])),
      ),
    ].sort();
    const addresses = await Promise.all(
      nodes.map((name) =>
        this.core
          .listNode({ fieldSelector: `metadata.name=${name}` })
          .then((list) => (list.items[0] ? addressOf(list.items[0]) : null)),
      ),
    );
    const urls = [...new Set(addresses.filter((a): a is string => a !== null))].map(
      (a) => `http://${a}:${nodePort}${EDGE_INFERENCE_PATH}`,
    );
    return call(
      edge,
      urls,
      urls.length === 0 ? 'No instance runs on a node with an address yet' : null,
    );
  }
}

function call(edge: PoolEdge, urls: string[], note: string | null): EdgeCall {
  return { access_mode: edge.accessMode, urls, note };
}

function loadBalancerCall(edge: PoolEdge, svc: V1Service): EdgeCall {
  const port = svc.spec?.ports?.[0]?.port ?? edge.port ?? 80;
  const urls = (svc.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip ?? i.hostname)
    .filter((a): a is string => Boolean(a))
    .map((a) => `http://${hostOf(a)}:${port}${edge.apiUrl}${EDGE_INFERENCE_PATH}`);
  return call(
    edge,
    urls,
    urls.length === 0
      ? 'No load balancer address assigned yet (the load balancer is being created)'
      : null,
  );
}

/** An edge node is reached at its external address when it has one, else its internal one. */
function addressOf(node: V1Node): string | null {
  const addresses = node.status?.addresses ?? [];
  const pick = (type: string) => addresses.find((a) => a.type === type)?.address;
  const address = pick('ExternalIP') ?? pick('InternalIP');
  return address ? hostOf(address) : null;
}

const hostOf = (address: string) => (address.includes(':') ? `[${address}]` : address);
