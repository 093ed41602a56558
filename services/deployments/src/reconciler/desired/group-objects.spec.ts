import { describe, expect, it } from 'vitest';
import { type DesiredWorkloadInput } from './desired-objects.js';
import {
  desiredGroupStatefulSet,
  desiredLeaderService,
  desiredMembersService,
  GROUP_SCRIPT,
  groupCommand,
  groupOf,
  type GroupWorkloadInput,
  leaderAddress,
  restartsOf,
  RESTARTS_KEPT,
  withRestart,
} from './group-objects.js';
import { hashOf, revisionOf } from './desired-objects.js';

const service: DesiredWorkloadInput['service'] = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'r1',
  accountId: '44444444-4444-4444-8444-444444444444',
  projectId: '22222222-2222-4222-8222-222222222222',
  namespace: 'maas-22222222-2222-4222-8222-222222222222',
  objectName: 'ms-11111111-1111-4111-8111-111111111111',
  modelId: 'deepseek-r1',
  modelVersion: '1.0.0',
  poolId: '33333333-3333-4333-8333-333333333333',
};

const input = (group = 1, groupSize = 2): GroupWorkloadInput => ({
  service,
  pool: {
    nodeSelector: { 'maas.io/pool': 'pool-a' },
    taint: { key: 'maas.io/pool', value: 'pool-a', effect: 'NoSchedule' },
    npuResourceName: 'huawei.com/Ascend910',
  },
  container: {
    image: 'quay.io/ascend/vllm-ascend:v0.9.1',
    command: ['vllm', 'serve'],
    args: [
      '/mnt/models/deepseek-ai/DeepSeek-R1-W8A8',
      '--served-model-name',
      'r1',
      '--tensor-parallel-size',
      '8',
      '--pipeline-parallel-size',
      String(groupSize),
    ],
    port: 8000,
    readinessPath: '/health',
  },
  resources: { npus: 8, cpu: 160, memoryGib: 1280 },
  installation: 'deployments',
  groupSize,
  group,
});

describe('desiredGroupStatefulSet', () => {
  const sts = desiredGroupStatefulSet(input(1, 4));
  const pod = sts.spec?.template.spec;
  const container = pod?.containers[0];
  const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e]));

  it('is one StatefulSet per group: N members created in parallel, replaced together', () => {
    expect(sts.metadata?.name).toBe(`${service.objectName}-g1`);
    expect(sts.metadata?.labels).toMatchObject({
      'maas.io/service-id': service.id,
      'maas.io/installation': 'deployments',
      'maas.io/group': '1',
    });
    expect(sts.spec).toMatchObject({
      replicas: 4,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      serviceName: `${service.objectName}-members`,
      selector: {
        matchLabels: {
          'maas.io/service-id': service.id,
          'maas.io/installation': 'deployments',
          'maas.io/group': '1',
        },
      },
    });
    expect(sts.spec?.template.metadata?.labels).toMatchObject({ 'maas.io/group': '1' });
  });

  it("requests one server's NPUs per member, on distinct servers of the account's pool", () => {
    expect(container?.resources?.requests?.['huawei.com/Ascend910']).toBe('8');
    expect(container?.resources?.limits?.['huawei.com/Ascend910']).toBe('8');
    expect(pod?.nodeSelector).toEqual({
      'maas.io/pool': 'pool-a',
      'maas.io/account': service.accountId,
    });
    expect(pod?.affinity?.nodeAffinity).toBeDefined();
    expect(pod?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchLabels: sts.spec?.selector.matchLabels },
      },
    ]);
  });

  it("gives every pod the leader's address, the group size and its own index (LWS's env)", () => {
    expect(env.LWS_LEADER_ADDRESS?.value).toBe(
      `${service.objectName}-g1-0.${service.objectName}-members.${service.namespace}`,
    );
    expect(env.LWS_LEADER_ADDRESS?.value).toBe(leaderAddress(service, 1));
    expect(env.LWS_GROUP_SIZE?.value).toBe('4');
    expect(env.LWS_GROUP_INDEX?.value).toBe('1');
    expect(env.LWS_WORKER_INDEX?.valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.labels['apps.kubernetes.io/pod-index']",
    );
    expect(env.POD_IP?.valueFrom?.fieldRef?.fieldPath).toBe('status.podIP');
    expect(env.MAAS_SERVICE_ID?.value).toBe(service.id);
  });

  it('runs the role script with the model server command line as its arguments', () => {
    expect(container?.command).toEqual(['/bin/sh', '-c', GROUP_SCRIPT, 'maas-group']);
    expect(container?.args).toEqual([
      'vllm',
      'serve',
      '/mnt/models/deepseek-ai/DeepSeek-R1-W8A8',
      '--served-model-name',
      'r1',
      '--tensor-parallel-size',
      '8',
      '--pipeline-parallel-size',
      '4',
      '--distributed-executor-backend',
      'ray',
    ]);
    expect(container?.ports?.map((p) => p.containerPort)).toEqual([8000, 6379]);
    expect(container?.readinessProbe?.exec?.command?.[2]).toContain('/health');
    expect(container?.readinessProbe?.exec?.command?.[2]).toContain('ray health-check');
  });

  it('hashes and revisions per group; a new model version changes both', () => {
    expect(hashOf(sts)).toMatch(/^[0-9a-f]{16}$/);
    expect(revisionOf(sts.spec?.template)).toMatch(/^[0-9a-f]{10}$/);
    expect(desiredGroupStatefulSet(input(1, 4))).toEqual(sts);
    const upgraded = desiredGroupStatefulSet({
      ...input(1, 4),
      service: { ...service, modelVersion: '1.1.0' },
    });
    expect(revisionOf(upgraded.spec?.template)).not.toBe(revisionOf(sts.spec?.template));
    expect(groupOf(sts)).toBe(1);
    expect(groupOf({ metadata: { labels: { 'maas.io/group': 'x' } } })).toBeNull();
  });
});

describe('groupCommand', () => {
  it('adds pipeline parallelism over the servers when the catalog does not say it', () => {
    const { args } = groupCommand({ ...input().container, args: ['/mnt/models/x'] }, 2);
    expect(args).toEqual([
      'vllm',
      'serve',
      '/mnt/models/x',
      '--pipeline-parallel-size',
      '2',
      '--distributed-executor-backend',
      'ray',
    ]);
  });

  it('leader: Ray head, waits for the group, then the server; worker: joins the leader', () => {
    expect(GROUP_SCRIPT).toMatch(/if \[ "\$LWS_WORKER_INDEX" = "0" \]; then\n {2}ray start --head/);
    expect(GROUP_SCRIPT).toContain('-ge "$LWS_GROUP_SIZE"');
    expect(GROUP_SCRIPT).toContain('exec "$@"');
    expect(GROUP_SCRIPT).toContain(
      'exec ray start --address="$LWS_LEADER_ADDRESS:6379" --node-ip-address="$POD_IP" --block',
    );
  });
});

describe('the Services of a group service', () => {
  it('headless members Service: DNS for every member, ready or not', () => {
    const svc = desiredMembersService(service, 'deployments');
    expect(svc.metadata?.name).toBe(`${service.objectName}-members`);
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(svc.spec?.selector).toEqual({
      'maas.io/service-id': service.id,
      'maas.io/installation': 'deployments',
    });
  });

  it('leader Service: traffic to pod index 0 of every group, under the usual name', () => {
    const svc = desiredLeaderService(service, 'deployments', 8000);
    expect(svc.metadata?.name).toBe(service.objectName);
    expect(svc.spec?.selector).toEqual({
      'maas.io/service-id': service.id,
      'maas.io/installation': 'deployments',
      'apps.kubernetes.io/pod-index': '0',
    });
    expect(svc.spec?.ports).toEqual([
      { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(svc.spec).toMatchObject({ type: 'ClusterIP' }); // as made before headless ones
    const headless = desiredLeaderService(service, 'deployments', 8000, true);
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.type).toBeUndefined();
  });
});

describe('group restart records', () => {
  const record = (i: number) => ({
    at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    pod: `p${i}`,
    reason: 'Error',
    exitCode: 1,
    message: '',
  });

  it('round-trips through the annotation, keeping the newest', () => {
    let value = '';
    for (let i = 0; i < RESTARTS_KEPT + 3; i++)
      value = withRestart(
        restartsOf({ metadata: { annotations: { 'maas.io/group-restarts': value } } }),
        record(i),
      );
    const records = restartsOf({ metadata: { annotations: { 'maas.io/group-restarts': value } } });
    expect(records).toHaveLength(RESTARTS_KEPT);
    expect(records.at(-1)).toEqual(record(RESTARTS_KEPT + 2));
  });

  it('reads a malformed annotation as none', () => {
    for (const bad of ['{', '{}', '[1]'])
      expect(restartsOf({ metadata: { annotations: { 'maas.io/group-restarts': bad } } })).toEqual(
        [],
      );
    expect(restartsOf(undefined)).toEqual([]);
  });
});
