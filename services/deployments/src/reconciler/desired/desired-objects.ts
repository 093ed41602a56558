import {
  type V1Container,
  type V1Deployment,
  type V1Namespace,
  type V1OwnerReference,
  type V1PodTemplateSpec,
  type V1Probe,
  type V1Service,
  type V1ServiceSpec,
} from '@kubernetes/client-node';
import { type ModelServerContainer } from '../../catalog/index.js';
import { ACCOUNT_LABEL, accountNodeSelector } from '../../workloads/account-nodes.js';
import { type PoolTaint } from '../../pools/pool.entity.js';
import {
  ANNOTATION,
  CONTAINER_NAME,
  FINALIZER,
  LABEL,
  MANAGED_BY,
  PORT_NAME,
} from '../../workloads/labels.js';
import { specHash } from './spec-hash.js';

/** The service as its objects need it. */
export interface ServiceShape {
  readonly id: string;
  readonly name: string;
  /** The tenant account: its pods only ever run on nodes the operator assigned to it. */
  readonly accountId: string;
  readonly projectId: string;
  readonly namespace: string;
  readonly objectName: string;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly poolId: string;
}

export interface PoolShape {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly taint: PoolTaint | null;
  readonly npuResourceName: string;
}

/** What one pod (one instance of a single-node flavor) gets. */
export interface PodResources {
  readonly npus: number;
  readonly cpu: number;
  readonly memoryGib: number;
}

export interface DesiredWorkloadInput {
  readonly service: ServiceShape;
  readonly pool: PoolShape;
  readonly container: ModelServerContainer;
  readonly resources: PodResources;
  readonly installation: string;
  /** Desired instances; 0 while stopped. */
  readonly replicas: number;
}

/** Where model weights are on the pool's servers (read-only hostPath). */
export const MODELS_PATH = '/mnt/models';

/** Labels every object of the service carries; the first two are the selector. */
export function serviceLabels(service: ServiceShape, installation: string) {
  return {
    [LABEL.serviceId]: service.id,
    [LABEL.installation]: installation,
    [LABEL.pool]: service.poolId,
    [LABEL.model]: service.modelId,
    [LABEL.projectId]: service.projectId,
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.name]: 'model-server',
  };
}

export function selectorLabels(service: ServiceShape, installation: string) {
  return { [LABEL.serviceId]: service.id, [LABEL.installation]: installation };
}

/** The project's namespace (created on demand, never deleted by the reconciler). */
export function desiredNamespace(namespace: string, projectId: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.projectId]: projectId },
    },
  };
}

/**
 * The Deployment of a single-node service: `replicas` pods on the pool's nodes of the
 * service's account (the pool's node selector AND `maas.io/account`, also as a required
 * node affinity; the toleration of the pool's taint), NPU requests == limits under the pool's
 * resource name, the model server from the catalog with its readiness probe, a rolling
 * update that never takes a serving instance down first (maxUnavailable 0, maxSurge 1), the
 * finalizer, and the hash of all of it in an annotation.
 */
export function desiredDeployment(input: DesiredWorkloadInput): V1Deployment {
  const { service, installation } = input;
  const labels = serviceLabels(service, installation);
  const template = podTemplate(input);
  const built: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service.objectName,
      namespace: service.namespace,
      labels,
      annotations: { [ANNOTATION.serviceName]: service.name },
      finalizers: [FINALIZER],
    },
    spec: {
      replicas: input.replicas,
      revisionHistoryLimit: 2,
      selector: { matchLabels: selectorLabels(service, installation) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template,
    },
  };
  return withHash(withRevision(built));
}

/**
 * Labels the pod template of a workload (a Deployment, a group's StatefulSet) with the hash of
 * itself: pods of the current spec carry it.
 */
export function withRevision<T extends { spec?: { template: V1PodTemplateSpec } }>(workload: T): T {
  const spec = workload.spec as NonNullable<T['spec']>;
  const template = spec.template;
  const revision = specHash(template).slice(0, 10);
  return {
    ...workload,
    spec: {
      ...spec,
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: { ...template.metadata?.labels, [LABEL.revision]: revision },
        },
      },
    },
  };
}

/** The pod template of one instance (single-server) — instance groups build theirs from it. */
export function podTemplate(input: DesiredWorkloadInput): V1PodTemplateSpec {
  const { service, pool, installation } = input;
  return {
    metadata: {
      labels: {
        ...serviceLabels(service, installation),
        [LABEL.modelVersion]: service.modelVersion,
        [LABEL.account]: service.accountId,
      },
      annotations: { [ANNOTATION.serviceName]: service.name },
    },
    spec: {
      // The pool's labels AND the account's (the account's value always wins), and the same
      // account constraint as a required node affinity: whatever the pool's selector says —
      // set through the API or edited by hand — the pods can only be scheduled onto nodes
      // the operator assigned to the service's account (SPEC §4: dedicated means dedicated).
      nodeSelector: accountNodeSelector(pool.nodeSelector, service.accountId),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: ACCOUNT_LABEL, operator: 'In', values: [service.accountId] },
                ],
              },
            ],
          },
        },
      },
      tolerations: pool.taint
        ? [
            {
              key: pool.taint.key,
              operator: 'Equal',
              value: pool.taint.value,
              effect: pool.taint.effect,
            },
          ]
        : [],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selectorLabels(service, installation) },
        },
      ],
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 30,
      containers: [modelServer(input)],
      volumes: [
        { name: 'models', hostPath: { path: MODELS_PATH, type: 'Directory' } },
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
      ],
    },
  };
}

export function modelServer({
  container,
  resources,
  pool,
  service,
}: Pick<DesiredWorkloadInput, 'container' | 'resources' | 'pool' | 'service'>): V1Container {
  const npus = String(resources.npus);
  const memory = `${resources.memoryGib}Gi`;
  return {
    name: CONTAINER_NAME,
    image: container.image,
    command: [...container.command],
    args: [...container.args],
    ports: [{ name: PORT_NAME, containerPort: container.port, protocol: 'TCP' }],
    env: [
      { name: 'MAAS_SERVICE_ID', value: service.id },
      { name: 'MAAS_SERVICE_NAME', value: service.name },
    ],
    resources: {
      requests: { [pool.npuResourceName]: npus, cpu: String(resources.cpu), memory },
      limits: { [pool.npuResourceName]: npus, memory },
    },
    ...modelServerProbes({ httpGet: { path: container.readinessPath, port: PORT_NAME } }),
    volumeMounts: [
      { name: 'models', mountPath: MODELS_PATH, readOnly: true },
      { name: 'shm', mountPath: '/dev/shm' },
    ],
  };
}

/**
 * The model server's startup, readiness and liveness probes with `check` (an HTTP GET of its
 * health path; a role-aware script in an instance group). Loading weights takes minutes: the
 * startup probe allows 30 min before liveness counts.
 */
export function modelServerProbes(
  check: Pick<V1Probe, 'httpGet' | 'exec'>,
): Pick<V1Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const probe = (periodSeconds: number, failureThreshold: number): V1Probe => ({
    ...check,
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 5,
  });
  return {
    startupProbe: probe(10, 180),
    readinessProbe: probe(10, 3),
    livenessProbe: probe(30, 4),
  };
}

/**
 * A Service of the model service (named `name`): the service's labels and name annotation,
 * `spec`, an owner if any, and the hash of all of it.
 */
export function serviceObject(
  service: ServiceShape,
  installation: string,
  name: string,
  spec: V1ServiceSpec,
  ownerReferences?: V1OwnerReference[],
): V1Service {
  return withHash({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: service.namespace,
      labels: serviceLabels(service, installation),
      annotations: { [ANNOTATION.serviceName]: service.name },
      ...(ownerReferences ? { ownerReferences } : {}),
    },
    spec,
  });
}

/**
 * The Service in front of the instances (the model server's port), owned by the Deployment:
 * if the Deployment goes, the garbage collector takes the Service too. Headless: the gateway
 * routes to the instances' endpoints itself (EndpointSlices), so no virtual IP is needed —
 * and none allocated, which made Service creation the long pole of a burst of deploys
 * (docs/benchmarks.md, Reconciler). `headless: false` is the ClusterIP Service of before.
 */
export function desiredService(
  input: Pick<DesiredWorkloadInput, 'service' | 'installation'> & {
    port: number;
    headless?: boolean;
  },
  owner: { name: string; uid: string },
): V1Service {
  const { service, installation } = input;
  return serviceObject(
    service,
    installation,
    service.objectName,
    {
      ...addressing(input.headless ?? false),
      selector: selectorLabels(service, installation),
      ports: [{ name: PORT_NAME, port: input.port, targetPort: PORT_NAME, protocol: 'TCP' }],
    },
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: owner.name,
        uid: owner.uid,
        controller: true,
      },
    ],
  );
}

/**
 * A model Service is headless unless one made before headless Services already exists with a
 * virtual IP: `spec.clusterIP` is immutable, so that one keeps the object applied then.
 */
export function headlessFor(existing: V1Service | undefined): boolean {
  return !existing || existing.spec?.clusterIP === 'None';
}

/** The spec fields of a headless Service, or of the ClusterIP one of before. */
export function addressing(headless: boolean): Pick<V1ServiceSpec, 'clusterIP' | 'type'> {
  return headless ? { clusterIP: 'None' } : { type: 'ClusterIP' };
}

/** The object with the hash of its own content in the spec-hash annotation. */
export function withHash<T extends { metadata?: { annotations?: Record<string, string> } }>(
  object: T,
): T {
  const hash = specHash(object);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata?.annotations, [ANNOTATION.specHash]: hash },
    },
  };
}

/** The spec-hash annotation of an object (undefined when it has none). */
export function hashOf(
  object: { metadata?: { annotations?: Record<string, string> } } | undefined,
) {
  return object?.metadata?.annotations?.[ANNOTATION.specHash];
}

/** The revision label of a pod or pod template. */
export function revisionOf(object: { metadata?: { labels?: Record<string, string> } } | undefined) {
  return object?.metadata?.labels?.[LABEL.revision];
}
