import { MIN_PEPPER_LENGTH } from '@maas/api-keys';
import {
  bool,
  endpointOverride,
  type Config,
  httpServerConfig,
  iamClientConfig,
  intBetween,
  kafkaConfig,
  logConfig,
  minLength,
  redisUrl,
  secret,
  str,
} from '@maas/config';
import { usageConfig } from './usage/index.js';

/**
 * The gateway's environment (SPEC §8, §10). It owns nothing durable: no database. Kafka feeds
 * its projections (keys, services, limits, IAM) and takes its usage events; Redis holds only
 * the shared limiter's counters; Kubernetes gives the ready instances of each service.
 */
export const gatewayConfigSchema = {
  ...httpServerConfig,
  ...logConfig,
  ...kafkaConfig('maas.usage.v1'),
  ...iamClientConfig,
  ...usageConfig,
  REDIS_URL: redisUrl({ desc: 'Redis of the shared rate limiter, e.g. redis://redis:6379' }),
  REGION: str({
    desc: 'The region this gateway serves, e.g. cn-southwest-2: keys and services of other regions are refused',
  }),
  API_KEY_PEPPER: secret(
    minLength(MIN_PEPPER_LENGTH)({
      desc: 'Server-side secret of the keyed hash of API key secrets: the same value as the keys service',
    }),
  ),
  KUBECONFIG: str({
    default: '',
    desc: 'Kubeconfig of the cluster running the model services; unset: in-cluster service account',
  }),
  ENDPOINT_OVERRIDE: endpointOverride({
    default: '',
    desc:
      'Where to dial instead of the EndpointSlice addresses (local stack and tests: the model ' +
      'simulators), see the instances registry; unset: dial the pod addresses',
  }),
  UPSTREAM_CONNECT_TIMEOUT_MS: intBetween(
    50,
    60_000,
  )({
    default: 2_000,
    desc: 'Longest a connection to a model instance may take before another instance is tried',
  }),
  UPSTREAM_TIMEOUT_MS: intBetween(
    100,
    3_600_000,
  )({
    default: 600_000,
    desc:
      'Longest the model server may take to answer (non-streaming: the whole completion; ' +
      'streaming: the first bytes) before the client gets 504 APIG.0203 Backend timeout',
  }),
  UPSTREAM_IDLE_TIMEOUT_MS: intBetween(
    100,
    3_600_000,
  )({
    default: 120_000,
    desc: 'Longest a stream may stay silent between two chunks before it is cut',
  }),
  UPSTREAM_CONNECTIONS: intBetween(
    1,
    10_000,
  )({
    default: 256,
    desc: 'Keep-alive connections per model instance at most',
  }),
  LIMITER_FAILURE_MODE: str({
    choices: ['open', 'closed'],
    default: 'open',
    desc:
      'When Redis cannot be asked: open = admit calls unlimited (inference keeps working), ' +
      'closed = refuse them with 503',
  }),
  LIMITER_TIMEOUT_MS: intBetween(
    10,
    10_000,
  )({
    default: 250,
    desc: 'Longest a limiter check may wait for Redis before the failure mode applies',
  }),
  IP_RATE_LIMIT_PER_MINUTE: intBetween(
    0,
    10_000_000,
  )({
    default: 0,
    desc: 'Requests per minute per client address (429 APIG.0308 above it); 0 = no per-IP limit',
  }),
  TRUST_PROXY: bool({
    default: false,
    desc: 'Take the client address from X-Forwarded-For (behind a load balancer that sets it)',
  }),
  MODERATION_WORDS_FILE: str({
    default: '',
    desc: 'Content moderation: a file of words/phrases (one a line); a prompt containing one gets 403 ModelArts.81011. Unset: off',
  }),
  MODERATION_URL: str({
    default: '',
    desc: 'Content moderation: an HTTP service asked with {"input": text} that answers {"flagged": bool}. Unset: off',
  }),
  MODERATION_TIMEOUT_MS: intBetween(
    10,
    60_000,
  )({
    default: 1_000,
    desc: 'Longest the moderation service may take; on timeout or error the call is let through',
  }),
  DRAIN_TIMEOUT_MS: intBetween(
    0,
    3_600_000,
  )({
    default: 30_000,
    desc: 'On SIGTERM, how long open streams may run on before they are cut',
  }),
};

export type GatewayConfig = Config<typeof gatewayConfigSchema>;

/** The injection token of the gateway's validated configuration. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
