import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, intBetween, str } from '@maas/config';

/**
 * The usage recorder's settings, a fragment the gateway's schema spreads in (with
 * kafkaConfig, whose KAFKA_TOPIC_PARTITIONS/KAFKA_REPLICATION_FACTOR say how maas.usage.v1
 * is created when missing).
 */
export const usageConfig = {
  USAGE_BATCH_SIZE: intBetween(
    1,
    10_000,
  )({ default: 500, desc: 'Usage events per Kafka send at most' }),
  USAGE_FLUSH_INTERVAL_MS: intBetween(
    5,
    60_000,
  )({
    default: 100,
    desc: 'How often buffered usage events are sent (sooner once USAGE_BATCH_SIZE wait); also what a SIGKILL may lose',
  }),
  USAGE_BUFFER_MAX: intBetween(
    100,
    10_000_000,
  )({
    default: 100_000,
    desc: 'Usage events held in memory at most while they can be neither sent nor spilled; beyond it they are dropped (counted)',
  }),
  USAGE_SPILL_DIR: str({
    default: join(tmpdir(), 'maas-gateway-usage'),
    desc:
      'Where usage events Kafka cannot take are kept until it is back (one subdirectory per ' +
      'process; a restarted process replays those of stopped ones). In Kubernetes an emptyDir ' +
      '(survives container restarts) or a per-pod volume',
  }),
  USAGE_SPILL_MAX_BYTES: intBetween(
    1024 * 1024,
    Number.MAX_SAFE_INTEGER,
  )({
    default: 1024 * 1024 * 1024,
    desc: 'Bytes the usage spill may hold (about 200 bytes an event); beyond it events stay in memory (USAGE_BUFFER_MAX)',
  }),
  USAGE_SEND_STALL_MS: intBetween(
    100,
    600_000,
  )({
    default: 2_000,
    desc: 'A Kafka send taking longer counts as an outage: buffered usage events go to the spill meanwhile',
  }),
  USAGE_SHUTDOWN_TIMEOUT_MS: intBetween(
    0,
    600_000,
  )({
    default: 5_000,
    desc: 'On shutdown, how long buffered usage events may be sent before the rest is spilled for the next start',
  }),
};

export type UsageConfig = Config<typeof usageConfig>;
