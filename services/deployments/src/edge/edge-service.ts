import { type V1Service } from '@kubernetes/client-node';
import { type PoolEdge } from '../pools/edge-access.js';
import { ANNOTATION, PORT_NAME } from '../workloads/labels.js';

/** The edge Service of a model service is named after its main Service. */
export function edgeServiceName(mainServiceName: string): string {
  return `${mainServiceName}-edge`;
}

/**
 * The extra Service that makes a model service on an edge pool reachable from outside the
 * cluster (seed 000 edge call paths), derived from its main Service: same
 * namespace, labels, selector and owner (the Deployment, so it goes with it), and
 * - load_balancing: type LoadBalancer on the pool's port (the cloud's load balancer controller
 *   fills `status.loadBalancer.ingress` with its address);
 * - node: type NodePort (the pool's fixed node port, or one Kubernetes assigns) with
 *   externalTrafficPolicy Local: a node answers only while it runs an instance, so the call
 *   paths name exactly those nodes.
 * The caller (the reconciler) adds the spec hash and applies it like the main Service.
 */
export function desiredEdgeService(main: V1Service, edge: PoolEdge): V1Service {
  const metadata = main.metadata ?? {};
  const common = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...metadata,
      name: edgeServiceName(metadata.name ?? ''),
      annotations: Object.fromEntries(
        Object.entries(metadata.annotations ?? {}).filter(([k]) => k !== ANNOTATION.specHash),
      ),
    },
  };
  const selector = main.spec?.selector;
  if (edge.accessMode === 'load_balancing')
    return {
      ...common,
      spec: {
        type: 'LoadBalancer',
        selector,
        ports: [{ name: PORT_NAME, port: edge.port ?? 80, targetPort: PORT_NAME, protocol: 'TCP' }],
      },
    };
  const nodePort = edge.nodePort === null ? {} : { nodePort: edge.nodePort };
  return {
    ...common,
    spec: {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      selector,
      ports: [
        {
          name: PORT_NAME,
          port: portOf(main),
          targetPort: PORT_NAME,
          protocol: 'TCP',
          ...nodePort,
        },
      ],
    },
  };
}

function portOf(main: V1Service): number {
  return main.spec?.ports?.[0]?.port ?? 8000;
}
