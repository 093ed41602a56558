import { type V1Pod } from '@kubernetes/client-node';
import { CONTAINER_NAME, PORT_NAME } from '../workloads/labels.js';

/** A running instance (pod) of a service, as the metrics sources address it. */
export interface PodTarget {
  readonly name: string;
  readonly namespace: string;
  readonly node: string | null;
  readonly podIp: string | null;
  /** The node's address (the npu-exporter DaemonSet answers there). */
  readonly hostIp: string | null;
  /** The model server's port (the container port named `http`), where vLLM serves /metrics. */
  readonly port: number | null;
}

/** The service's pods that run (only those hold NPUs and serve metrics), by name. */
export function podTargets(pods: readonly V1Pod[]): PodTarget[] {
  return pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
    .map(targetOf)
    .sort((a, b) => a.name.localeCompare(b.name));
}

function targetOf(pod: V1Pod): PodTarget {
  const { metadata = {}, spec, status = {} } = pod;
  return {
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    node: spec?.nodeName ?? null,
    podIp: status.podIP ?? null,
    hostIp: status.hostIP ?? null,
    port: serverPort(pod),
  };
}

/** The model server container's `http` port (its first port otherwise). */
function serverPort(pod: V1Pod): number | null {
  const containers = pod.spec?.containers ?? [];
  const container = containers.find((c) => c.name === CONTAINER_NAME) ?? containers.at(0);
  const ports = container?.ports ?? [];
  return (ports.find((x) => x.name === PORT_NAME) ?? ports.at(0))?.containerPort ?? null;
}
