import { EnvError, makeValidator } from 'envalid';
import {
  bool,
  type Config,
  consumersConfig,
  databaseConfig,
  httpServerConfig,
  iamClientConfig,
  intBetween,
  kafkaConfig,
  logConfig,
  migrationsConfig,
  minLength,
  operatorConfig,
  outboxRelayConfig,
  redisUrl,
  secret,
  str,
} from '@maas/config';
import { quotaLimitsConfig } from './quota-limits/quota-limits.config.js';
import { resourceUsageConfig } from './resource-usage/resource-usage.config.js';

const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** A region id such as cn-southwest-2. */
export const region = makeValidator<string>((input) => {
  if (!REGION.test(input)) throw new EnvError('must be a region id such as cn-southwest-2');
  return input;
});

/** A Kubernetes label value (also a DNS-1123-ish name part): 1-63 of [A-Za-z0-9._-]. */
const labelValue = makeValidator<string>((input) => {
  if (/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(input)) return input;
  throw new EnvError(
    'must be a Kubernetes label value: 1-63 of A-Z a-z 0-9 . _ - (alphanumeric at both ends)',
  );
});

/** A DNS-1123 label (namespace, object name): 1-63 of a-z, 0-9, -. */
const dnsLabel = makeValidator<string>((input) => {
  if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(input)) return input;
  throw new EnvError('must be a DNS label: 1-63 of a-z 0-9 - (alphanumeric at both ends)');
});

/** A domain-qualified extended resource name, e.g. huawei.com/Ascend910. */
const extendedResourceName = makeValidator<string>((input) => {
  const domain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const [prefix, name, ...rest] = input.split('/');
  const ok =
    rest.length === 0 &&
    prefix !== undefined &&
    prefix.length <= 253 &&
    domain.test(prefix) &&
    name !== undefined &&
    name.length <= 63 &&
    /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  if (!ok)
    throw new EnvError(
      'must be a domain-qualified extended resource name such as huawei.com/Ascend910',
    );
  return input;
});

/** A public base URL without a trailing slash. */
const baseUrl = makeValidator<string>((input) => {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new EnvError('must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EnvError('must start with http:// or https://');
  return input.replace(/\/+$/, '');
});

/** What the database half needs: the service and `migrate` share it. */
export const databaseConfigSchema = {
  ...databaseConfig('deployments'),
  ...logConfig,
};

/**
 * The deployments service's environment: the settings every service has come from the shared
 * fragments of @maas/config, so they are named and mean the same everywhere.
 */
export const deploymentsConfigSchema = {
  ...databaseConfigSchema,
  ...httpServerConfig,
  ...migrationsConfig,
  REGION: region({
    default: 'cn-southwest-2',
    desc: 'The region this installation serves: pools are created in it and services must be deployed on a pool of it',
  }),
  PUBLIC_BASE_URL: baseUrl({
    default: 'http://127.0.0.1:3000',
    desc: "The inference gateway's public base URL, used in each service's call description",
  }),
  // The prefix and partitions apply to the notification topics this service creates too.
  ...kafkaConfig('maas.deployments.v1 (and each notification topic)'),
  ...outboxRelayConfig,
  ...consumersConfig('maas.iam.v1 (the local projection of permissions and projects)'),
  REDIS_URL: redisUrl({ desc: 'Redis URL for the BullMQ queues, e.g. redis://host:6379' }),
  BULLMQ_PREFIX: str({
    default: 'maas',
    desc: 'Prefix of the BullMQ keys in Redis (isolates an environment or a test run)',
  }),
  ...iamClientConfig,
  ...operatorConfig('/v1/operator/…: preset services, node assignment'),
  WEBHOOK_SIGNING_SECRET: secret(
    minLength(24)({
      default: undefined,
      desc:
        'HMAC-SHA256 key of the X-MaaS-Signature header of webhook notifications; every replica needs ' +
        'the same one. Unset: a random key per process (development only)',
    }),
  ),
  WEBHOOK_ALLOW_HTTP: bool({
    default: false,
    desc: 'Accept http:// webhook URLs as notification topics (https:// only when false)',
  }),
  WEBHOOK_TIMEOUT_MS: intBetween(
    100,
    60_000,
  )({
    default: 5_000,
    desc: 'Timeout of one webhook POST',
  }),
  NOTIFICATION_MAX_ATTEMPTS: intBetween(
    1,
    50,
  )({
    default: 10,
    desc: 'Delivery attempts of a notification before it is marked failed',
  }),
  NOTIFICATION_BACKOFF_MS: intBetween(
    10,
    3_600_000,
  )({
    default: 2_000,
    desc: 'First retry delay of a failed notification; doubles with each attempt',
  }),
  SERVICE_EVENTS_RETENTION_HOURS: intBetween(
    1,
    24 * 3650,
  )({
    default: 30 * 24,
    desc: 'How long service events and notifications are kept (one month by default)',
  }),
  SERVICE_EVENTS_PURGE_EVERY_MS: intBetween(
    1_000,
    86_400_000,
  )({
    default: 3_600_000,
    desc: 'How often the purge job of old service events runs',
  }),
  WORKERS: bool({
    default: true,
    desc: 'Run the BullMQ workers (notifications, purge) in this process',
  }),
  KUBECONFIG: str({
    default: undefined,
    desc: 'Path of the kubeconfig of the cluster with the NPU pools; unset: in-cluster or ~/.kube/config',
  }),
  KUBE_REQUEST_TIMEOUT_MS: intBetween(
    100,
    60_000,
  )({
    default: 5_000,
    desc: 'Timeout of one Kubernetes API request (pool capacity reads, the reconciler; watches excepted)',
  }),
  KUBE_QPS: intBetween(
    1,
    10_000,
  )({
    default: 100,
    desc: "Steady rate of the reconciler's Kubernetes API requests per second (client-side token bucket, like client-go's QPS)",
  }),
  KUBE_BURST: intBetween(
    1,
    10_000,
  )({
    default: 200,
    desc: 'Requests the reconciler may send at once above KUBE_QPS (the bucket size, like client-go Burst)',
  }),
  RECONCILER: bool({
    default: true,
    desc: 'Run the Kubernetes reconciler in this process (it runs only while this replica holds the leader Lease)',
  }),
  RECONCILER_INSTALLATION: labelValue({
    default: undefined,
    desc:
      'Value of the maas.io/installation label on every object the reconciler creates; it only ever watches, ' +
      'adopts or deletes objects with its own value (several installations may share a cluster). Default: DB_SCHEMA',
  }),
  RECONCILER_LEASE_NAMESPACE: dnsLabel({
    default: 'default',
    desc: 'Namespace of the leader-election Lease (the Helm chart sets its release namespace)',
  }),
  RECONCILER_LEASE_NAME: dnsLabel({
    default: 'maas-deployments-reconciler',
    desc: 'Name of the coordination.k8s.io/v1 Lease the replicas compete for',
  }),
  RECONCILER_IDENTITY: str({
    default: '',
    desc: 'Holder identity in the Lease; default: the host name (the pod name in Kubernetes) plus a random suffix',
  }),
  RECONCILER_LEASE_DURATION_MS: intBetween(
    1_000,
    600_000,
  )({
    default: 15_000,
    desc: 'How long a Lease is valid after its last renewal: a standby takes over this long after a leader died',
  }),
  RECONCILER_RENEW_DEADLINE_MS: intBetween(
    500,
    600_000,
  )({
    default: 10_000,
    desc: 'The leader steps down (stops reconciling) when it could not renew for this long; < lease duration',
  }),
  RECONCILER_RETRY_PERIOD_MS: intBetween(
    100,
    60_000,
  )({
    default: 2_000,
    desc: 'How often the leader renews and a standby tries to acquire the Lease',
  }),
  RECONCILER_WORKERS: intBetween(
    1,
    64,
  )({
    default: 32,
    desc: 'Reconcile passes run at once (never two for one key); they mostly wait on the API and the database',
  }),
  RECONCILER_RESYNC_MS: intBetween(
    1_000,
    86_400_000,
  )({
    default: 300_000,
    desc: 'Full resync period: every service (and every object found) gets a pass, from the caches, without listing the API',
  }),
  RECONCILER_POLL_MS: intBetween(
    200,
    3_600_000,
  )({
    default: 10_000,
    desc: 'Safety-net poll of the database for services not settled yet (LISTEN/NOTIFY wakes the reconciler at once)',
  }),
  RECONCILER_BACKOFF_MIN_MS: intBetween(
    10,
    600_000,
  )({
    default: 500,
    desc: 'First retry delay of a failed pass; doubles per consecutive failure of the key',
  }),
  RECONCILER_BACKOFF_MAX_MS: intBetween(
    100,
    3_600_000,
  )({
    default: 120_000,
    desc: 'Longest retry delay of a failed pass (also the retry period after a terminal error)',
  }),
  RECONCILER_NODE_SELECTOR: str({
    default: 'maas.io/pool',
    desc: 'Label selector of the nodes the reconciler watches for capacity; every pool must select nodes within it ("" = all nodes)',
  }),
  DEFAULT_NPU_RESOURCE_NAME: extendedResourceName({
    default: 'huawei.com/Ascend910',
    desc: 'Extended resource the NPU device plugin advertises on the nodes: the npu_resource_name of a pool created without one',
  }),
  SCHEDULING_DEADLINE_SECONDS: intBetween(
    1,
    86_400,
  )({
    default: 300,
    desc: 'An instance that cannot be scheduled for this long fails the deployment (deploying, starting, scaling, upgrading)',
  }),
  START_TIMEOUT_SECONDS: intBetween(
    1,
    86_400,
  )({
    default: 1_800,
    desc: 'Deploying/starting/scaling/upgrading that has not reached the ready count within this long fails',
  }),
  CRASH_LOOP_FAILURES: intBetween(
    1,
    100,
  )({
    default: 3,
    desc: 'Failed pods or container restarts of the current spec that make a crash loop (deployment failed)',
  }),
  RESTART_WINDOW_SECONDS: intBetween(
    1,
    86_400,
  )({
    default: 300,
    desc: 'A running service with an instance that failed or restarted within this window is in alarm, never running',
  }),
  AUTO_STOP_MINUTE_MS: intBetween(
    1,
    60_000,
  )({
    default: 60_000,
    desc: 'Length of one minute of the auto-stop schedule in ms (60000; tests shorten it to run a "3 minute" limit in 3 s)',
  }),
  // Live compute / video memory usage of the service details (src/resource-usage/).
  ...resourceUsageConfig,
  // The pool_npus quota at admission (src/quota-limits/).
  ...quotaLimitsConfig,
  LOGS_MAX_LINES: intBetween(
    1,
    100_000,
  )({
    default: 1_000,
    desc: 'Most log lines one GET …/logs returns (the limit parameter is capped to it)',
  }),
};

/**
 * Settings this service renamed when it took the shared fragments, old name → new name: an
 * old name still set (and the new one not) is read as the new one, with a warning at start
 * (bootstrapService). Documented in the README and the Helm chart.
 */
export const DEPRECATED_SETTINGS: Readonly<Record<string, keyof DeploymentsConfig>> = {
  IAM_PROJECTION: 'CONSUMERS_RUN',
};

export type DatabaseConfig = Config<typeof databaseConfigSchema>;
export type DeploymentsConfig = Config<typeof deploymentsConfigSchema>;

/** The injection token of the service's validated configuration. */
export const DEPLOYMENTS_CONFIG = Symbol('DEPLOYMENTS_CONFIG');
