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

/** A readiness check: its key in the health result and how to build its probe. */
export interface ReadinessCheck {
  /** Key in the health result, e.g. `database`. */
  readonly name: string;
  /** Providers the probe needs (e.g. the TypeORM DataSource), passed to `create` in order. */
  readonly inject?: readonly InjectionToken[];
  create(...deps: unknown[]): Probe;
}

export interface HealthModuleOptions {
  /** The readiness checks of GET /health/ready; liveness never calls them. */
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
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
