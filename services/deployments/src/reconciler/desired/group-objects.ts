import {
  type V1Container,
  type V1EnvVar,
  type V1PodTemplateSpec,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import {
  addressing,
  type DesiredWorkloadInput,
  modelServer,
  modelServerProbes,
  podTemplate,
  selectorLabels,
  serviceLabels,
  serviceObject,
  type ServiceShape,
  withHash,
  withRevision,
} from './desired-objects.js';
import { ANNOTATION, PORT_NAME } from '../../workloads/labels.js';

/**
 * Instance groups: one instance of a multi-server flavor (`nodes_per_instance` = N > 1) is a
 * group of N pods, one per server — pod 0 the leader (Ray head + the OpenAI API), pods 1…N-1
 * workers that join it. Built from core objects with LeaderWorkerSet's semantics (the LWS
 * controller is not available here; see the README, "Instance groups"):
 *
 * - one StatefulSet per group `ms-<id>-g<k>` (podManagementPolicy Parallel: all members are
 *   created at once; updateStrategy OnDelete: the reconciler replaces a group's pods together,
 *   never one member at a time), N replicas, each pod requesting the flavor's NPUs per server;
 * - one headless Service `ms-<id>-members` for the members' stable DNS names (it governs every
 *   group's StatefulSet; publishNotReadyAddresses, so workers find the leader before it serves);
 * - the leader-only Service `ms-<id>` for traffic: pod index 0 of every group (the name the
 *   gateway already routes to);
 * - in each pod LWS's environment: `LWS_LEADER_ADDRESS` (the leader pod's DNS name),
 *   `LWS_GROUP_SIZE`, `LWS_WORKER_INDEX` (from the pod-index label the StatefulSet controller
 *   sets), `LWS_GROUP_INDEX`.
 */

/** Group-specific labels and annotations (beside the service's). */
export const GROUP_LABEL = {
  /** The group (instance) index k of a pod or StatefulSet. */
  group: 'maas.io/group',
  /** Set by the StatefulSet controller on every pod (Kubernetes ≥ 1.28): the member index. */
  podIndex: 'apps.kubernetes.io/pod-index',
} as const;

export const GROUP_ANNOTATION = {
  /** Restarts of the group the reconciler made (JSON, newest last; see GroupRestartRecord). */
  restarts: 'maas.io/group-restarts',
  /** The group size, for readers of the StatefulSet. */
  size: 'maas.io/group-size',
  /**
   * The member pods' uids when the group last formed (every member ready together; comma
   * separated); removed when the reconciler restarts or replaces the group's members.
   */
  formed: 'maas.io/group-formed',
} as const;

/** Ray's GCS port on the leader; workers join `LWS_LEADER_ADDRESS:RAY_PORT`. */
export const RAY_PORT = 6379;

export const groupObjectName = (objectName: string, group: number) => `${objectName}-g${group}`;
export const membersServiceName = (objectName: string) => `${objectName}-members`;

/** The leader's stable DNS name: pod 0 of the group under the headless Service. */
export function leaderAddress(service: ServiceShape, group: number): string {
  const pod = `${groupObjectName(service.objectName, group)}-0`;
  return `${pod}.${membersServiceName(service.objectName)}.${service.namespace}`;
}

export interface GroupWorkloadInput extends Omit<DesiredWorkloadInput, 'replicas'> {
  /** Servers (pods) per instance: the flavor's nodes_per_instance. */
  readonly groupSize: number;
  /** Which group (instance) this is: 0 … instances-1. */
  readonly group: number;
}

/**
 * The StatefulSet of one group. Its pods: the pool's placement rules of a single-server
 * instance (node selector, account affinity, taint toleration, NPU requests == limits per
 * server) plus a required anti-affinity among the members (each member on a distinct
 * server), the role-aware command line (`groupCommand`) and probes that work for either role.
 * The spec hash covers everything (apply skipped when equal); the revision label on the pod
 * template says which pods run the current spec.
 */
export function desiredGroupStatefulSet(input: GroupWorkloadInput): V1StatefulSet {
  const { service, installation, group, groupSize } = input;
  const name = groupObjectName(service.objectName, group);
  const built: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace: service.namespace,
      labels: { ...serviceLabels(service, installation), [GROUP_LABEL.group]: String(group) },
      annotations: {
        [ANNOTATION.serviceName]: service.name,
        [GROUP_ANNOTATION.size]: String(groupSize),
      },
    },
    spec: {
      replicas: groupSize,
      serviceName: membersServiceName(service.objectName),
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      revisionHistoryLimit: 2,
      selector: { matchLabels: groupSelector(service, installation, group) },
      template: groupTemplate(input),
    },
  };
  return withHash(withRevision(built));
}

/** The selector of one group's members. */
export function groupSelector(service: ServiceShape, installation: string, group: number) {
  return { ...selectorLabels(service, installation), [GROUP_LABEL.group]: String(group) };
}

function groupTemplate(input: GroupWorkloadInput): V1PodTemplateSpec {
  const { service, installation, group } = input;
  const base = podTemplate({ ...input, replicas: input.groupSize });
  const spec = base.spec as NonNullable<V1PodTemplateSpec['spec']>;
  return {
    metadata: {
      ...base.metadata,
      labels: { ...base.metadata?.labels, [GROUP_LABEL.group]: String(group) },
    },
    spec: {
      ...spec,
      // Members of one group never share a server (the model is split across servers; two
      // shards on one server would need twice its NPUs). Groups spread like instances do.
      affinity: {
        ...spec.affinity,
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: groupSelector(service, installation, group) },
            },
          ],
        },
      },
      containers: [groupContainer(input)],
    },
  };
}

/** The pod's own IP: Ray and HCCL bind to it (vllm-ascend's multi-node recipe). */
const POD_IP = 'POD_IP';

function groupEnv(input: GroupWorkloadInput): V1EnvVar[] {
  return [
    { name: 'LWS_LEADER_ADDRESS', value: leaderAddress(input.service, input.group) },
    { name: 'LWS_GROUP_SIZE', value: String(input.groupSize) },
    {
      name: 'LWS_WORKER_INDEX',
      valueFrom: { fieldRef: { fieldPath: `metadata.labels['${GROUP_LABEL.podIndex}']` } },
    },
    { name: 'LWS_GROUP_INDEX', value: String(input.group) },
    { name: POD_IP, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    // vllm-ascend multi-node: Ray, vLLM and HCCL on the pod network.
    { name: 'VLLM_HOST_IP', value: `$(${POD_IP})` },
    { name: 'HCCL_IF_IP', value: `$(${POD_IP})` },
    { name: 'GLOO_SOCKET_IFNAME', value: 'eth0' },
    { name: 'TP_SOCKET_IFNAME', value: 'eth0' },
    { name: 'HCCL_SOCKET_IFNAME', value: 'eth0' },
  ];
}

function groupContainer(input: GroupWorkloadInput): V1Container {
  const single = modelServer(input);
  const { command, args } = groupCommand(input.container, input.groupSize);
  return {
    ...single,
    command,
    args,
    ports: [...(single.ports ?? []), { name: 'ray', containerPort: RAY_PORT, protocol: 'TCP' }],
    env: [...(single.env ?? []), ...groupEnv(input)],
    ...modelServerProbes({
      exec: { command: ['/bin/sh', '-c', groupProbeScript(input.container)] },
    }),
  };
}

/**
 * The command line per role, after vLLM's multi-node recipe (examples/online_serving/
 * multi-node-serving.sh; the LWS example in vLLM's docs) and vllm-ascend's Ray tutorial:
 *
 * - leader (`LWS_WORKER_INDEX` = 0): start the Ray head on RAY_PORT, wait (up to 10 min) until
 *   the cluster has `LWS_GROUP_SIZE` live nodes, then `exec` the catalog's `vllm serve …`
 *   (tensor parallel = NPUs per server, pipeline parallel = servers; both from the catalog's
 *   placeholders) with `--distributed-executor-backend ray`;
 * - worker: `exec ray start --address=$LWS_LEADER_ADDRESS:RAY_PORT --block` — the process
 *   lives as long as its raylet; if it dies the container restarts, and the reconciler
 *   restarts the whole group.
 *
 * One template for both roles (one StatefulSet per group): the script picks the role; the
 * model server's own command and arguments are passed as "$@" (no quoting of catalog values).
 */
export function groupCommand(
  container: DesiredWorkloadInput['container'],
  groupSize: number,
): { command: string[]; args: string[] } {
  const serve = [...container.command, ...container.args];
  const pipeline = serve.includes('--pipeline-parallel-size')
    ? []
    : ['--pipeline-parallel-size', String(groupSize)];
  const backend = serve.includes('--distributed-executor-backend')
    ? []
    : ['--distributed-executor-backend', 'ray'];
  return {
    command: ['/bin/sh', '-c', GROUP_SCRIPT, 'maas-group'],
    args: [...serve, ...pipeline, ...backend],
  };
}

const ALIVE_NODES = `python3 -c 'import ray; ray.init(address="auto", logging_level="ERROR"); print(sum(1 for n in ray.nodes() if n["Alive"]))'`;

/** The role switch (POSIX sh; $0 = maas-group, "$@" = the model server's command line). */
export const GROUP_SCRIPT = [
  'set -e',
  'if [ "$LWS_WORKER_INDEX" = "0" ]; then',
  `  ray start --head --port=${RAY_PORT} --node-ip-address="$POD_IP"`,
  '  waited=0',
  `  until [ "$(${ALIVE_NODES} 2>/dev/null || echo 0)" -ge "$LWS_GROUP_SIZE" ]; do`,
  '    if [ "$waited" -ge 600 ]; then echo "ray: $LWS_GROUP_SIZE nodes not joined in 600 s" >&2; exit 1; fi',
  '    sleep 5; waited=$((waited + 5))',
  '  done',
  '  exec "$@"',
  'else',
  `  exec ray start --address="$LWS_LEADER_ADDRESS:${RAY_PORT}" --node-ip-address="$POD_IP" --block`,
  'fi',
].join('\n');

/**
 * Health of either role: the leader's model server answers its health path; a worker's Ray
 * reaches the leader's GCS (`ray health-check`).
 */
export function groupProbeScript(container: DesiredWorkloadInput['container']): string {
  const url = `http://127.0.0.1:${container.port}${container.readinessPath}`;
  return [
    'if [ "$LWS_WORKER_INDEX" = "0" ]; then',
    `  python3 -c 'import urllib.request; urllib.request.urlopen("${url}", timeout=4)'`,
    'else',
    `  ray health-check --address "$LWS_LEADER_ADDRESS:${RAY_PORT}"`,
    'fi',
  ].join('\n');
}

/**
 * The headless Service of the members (every group): stable DNS per pod, ready or not — a
 * worker must find its leader before the leader serves.
 */
export function desiredMembersService(service: ServiceShape, installation: string): V1Service {
  return serviceObject(service, installation, membersServiceName(service.objectName), {
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    selector: selectorLabels(service, installation),
    ports: [{ name: 'ray', port: RAY_PORT, targetPort: RAY_PORT, protocol: 'TCP' }],
  });
}

/**
 * The Service for traffic: the leaders only (pod index 0 of each group), on the model
 * server's port. Named like a single-server service's (`ms-<id>`), so the gateway's routing
 * snapshot does not change. Not owned by a StatefulSet (a service has several); the
 * reconciler deletes it with the service. Headless like a single-server service's
 * (`desiredService`); `headless: false` is the ClusterIP Service of before.
 */
export function desiredLeaderService(
  service: ServiceShape,
  installation: string,
  port: number,
  headless = false,
): V1Service {
  return serviceObject(service, installation, service.objectName, {
    ...addressing(headless),
    selector: { ...selectorLabels(service, installation), [GROUP_LABEL.podIndex]: '0' },
    ports: [{ name: PORT_NAME, port, targetPort: PORT_NAME, protocol: 'TCP' }],
  });
}

/** The group index of a labelled object (pod or StatefulSet); null when it has none. */
export function groupOf(object: { metadata?: { labels?: Record<string, string> } }): number | null {
  const value = object.metadata?.labels?.[GROUP_LABEL.group];
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/** A group restart the reconciler made, kept on the group's StatefulSet. */
export interface GroupRestartRecord {
  readonly at: string;
  /** The member whose failure caused it (name and uid), and why. */
  readonly pod: string;
  readonly uid?: string;
  readonly reason: string;
  readonly exitCode: number | null;
  readonly message: string;
  /**
   * The template revision of the group's StatefulSet when it restarted: until the group forms
   * again on it, the restart is what keeps the group down (an upgrade changes the revision).
   */
  readonly revision?: string;
}

/** How many restart records a StatefulSet keeps (newest last). */
export const RESTARTS_KEPT = 10;

/** The restart records of a group's StatefulSet (malformed → none). */
export function restartsOf(statefulSet: V1StatefulSet | undefined): GroupRestartRecord[] {
  const raw = statefulSet?.metadata?.annotations?.[GROUP_ANNOTATION.restarts];
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is GroupRestartRecord {
  const v = value as Partial<GroupRestartRecord> | null;
  return typeof v?.at === 'string' && typeof v.pod === 'string' && typeof v.reason === 'string';
}

/** The annotation value with one more record (the oldest dropped past RESTARTS_KEPT). */
export function withRestart(
  records: readonly GroupRestartRecord[],
  record: GroupRestartRecord,
): string {
  return JSON.stringify([...records, record].slice(-RESTARTS_KEPT));
}

/** The formed members' uids of a group's StatefulSet; null when none are on record. */
export function formedOf(statefulSet: V1StatefulSet | undefined): string[] | null {
  const raw = statefulSet?.metadata?.annotations?.[GROUP_ANNOTATION.formed];
  return raw ? raw.split(',').filter((uid) => uid !== '') : null;
}
