import { type InjectionToken } from '@nestjs/common';

/** One dependency's deep check. */
export interface Probe {
  /**
   * Resolves when the dependency answers (optionally with details for the health result),
   * rejects otherwise. `signal` aborts when the check's timeout passes.
   */
  ping(signal: AbortSignal): Promise<Record<string, unknown> | void>;
  /** Releases the probe's connections at shutdown. */
  close?(): Promise<void>;
}

/**
 * A dependency check: its key in the health result, whether readiness needs it, and how to
 * build its probe. Every check is reported on GET /health and in `maas_dependency_up`;
 * only those with `readiness` (the default) decide GET /health/ready.
 */
export interface ReadinessCheck {
  /** Key in the health result and `dependency` label of the metric, e.g. `database`. */
  readonly name: string;
  /**
   * Whether this replica cannot answer its requests without the dependency (default true):
   * its own database, its projections loaded. A shared dependency the replica can do
   * without for a while — Kafka (the outbox keeps the events), Redis, the Kubernetes API —
   * must say false: in readiness, one blink of it would take every replica out of its
   * Service at once (STYLE "Health", SPEC §10).
   */
  readonly readiness?: boolean;
  /** Providers the probe needs (e.g. the TypeORM DataSource), passed to `create` in order. */
  readonly inject?: readonly InjectionToken[];
  create(...deps: unknown[]): Probe;
}

export interface HealthModuleOptions {
  /**
   * The dependency checks: GET /health reports all of them, GET /health/ready those readiness
   * needs; liveness never calls them.
   */
  checks: readonly ReadinessCheck[];
  /** Bound of each check (default 2000 ms): a hung dependency reports down, never hangs. */
  timeoutMs?: number;
  /**
   * On SIGTERM, how long readiness reports `shutting_down` (503) before the server stops,
   * so load balancers take the pod out first (default 0).
   */
  shutdownDelayMs?: number;
}

export interface NamedProbe {
  name: string;
  probe: Probe;
  /** Whether /health/ready needs it (ReadinessCheck.readiness, default true). */
  readiness: boolean;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
