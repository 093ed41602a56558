import { randomBytes } from 'node:crypto';

/**
 * A name unique to this test run, safe as a PostgreSQL schema name and a Kafka topic prefix,
 * so test files never see each other's rows or messages.
 */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A Kafka topic prefix for one run, e.g. `t_lx3k_a1b2c3.` → `t_lx3k_a1b2c3.maas.iam.v1`. */
export function uniqueTopicPrefix(prefix = 't'): string {
  return `${uniqueName(prefix)}.`;
}
