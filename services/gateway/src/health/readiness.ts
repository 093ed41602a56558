import { KeyProjectionConsumer } from '@maas/api-keys';
import { MemoryIamProjectionConsumer } from '@maas/auth';
import { type Probe, type ReadinessCheck } from '@maas/health';
import { ServiceDirectoryConsumer } from '../directory/index.js';
import { InstanceRegistry } from '../instances/index.js';
import { LimitPoliciesConsumer } from '../policies/index.js';

/** A probe that is up once `done()` says so (a projection caught up, a watch synced). */
function flagProbe(done: () => boolean, what: string): Probe {
  return {
    ping: () => (done() ? Promise.resolve() : Promise.reject(new Error(`${what} not yet`))),
  };
}

/**
 * The gateway's readiness (SPEC §10: "only what the replica needs to answer"): its
 * projections have applied what their topics held at start — keys, services, limit
 * policies, IAM — and the instance registry has listed the EndpointSlices. Kafka and Redis
 * are deliberately not part of it: once caught up the gateway answers from memory through a
 * Kafka outage (usage events are spilled), and through a Redis outage the limiter fails open.
 * Taking replicas out of the load balancer for either would turn a degraded dependency into
 * a full outage.
 */
export function projectionReadinessChecks(): ReadinessCheck[] {
  return [
    {
      name: 'keys',
      inject: [KeyProjectionConsumer],
      create: (c) => flagProbe(() => (c as KeyProjectionConsumer).isReady, 'keys caught up'),
    },
    {
      name: 'services',
      inject: [ServiceDirectoryConsumer],
      create: (c) =>
        flagProbe(() => (c as ServiceDirectoryConsumer).caughtUp, 'services caught up'),
    },
    {
      name: 'policies',
      inject: [LimitPoliciesConsumer],
      create: (c) => flagProbe(() => (c as LimitPoliciesConsumer).caughtUp, 'policies caught up'),
    },
    {
      name: 'iam',
      inject: [MemoryIamProjectionConsumer],
      create: (c) => flagProbe(() => (c as MemoryIamProjectionConsumer).caughtUp, 'iam caught up'),
    },
    {
      name: 'instances',
      inject: [InstanceRegistry],
      create: (r) => flagProbe(() => (r as InstanceRegistry).synced, 'instances synced'),
    },
  ];
}
