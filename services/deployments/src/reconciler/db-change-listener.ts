import { type ClientConfig } from 'pg';
import { PgNotifyListener, type WakeUpSource } from '@maas/events';
import { Logger } from '@nestjs/common';

/**
 * The NOTIFY channel that wakes the reconciler of a schema (≤ 63 bytes, PostgreSQL's limit
 * for identifiers). Owned here, by the runtime: the migration that installed the triggers
 * (ReconcilerNotify1765000000000) is frozen history and spells the same name itself.
 */
export function reconcileChannel(schema: string): string {
  return `reconcile:${schema}`.slice(0, 63);
}

/** What a notification on the reconcile channel says changed. */
export type DbChange =
  /** A service row was inserted, deleted, or transitioned (payload: its id). */
  | { readonly kind: 'service'; readonly serviceId: string }
  /** A pool's node selector, taint or NPU resource changed (payload: `pool:<id>`). */
  | { readonly kind: 'pool'; readonly poolId: string }
  /** The listener reconnected: notifications may have been lost, anything may have changed. */
  | { readonly kind: 'unknown' };

const POOL_PREFIX = 'pool:';

/** Reads a notification payload (as the triggers of ReconcilerNotify1765000000000 write it). */
export function parseDbChange(payload: string | undefined): DbChange {
  if (payload === undefined || payload === '') return { kind: 'unknown' };
  if (payload.startsWith(POOL_PREFIX))
    return { kind: 'pool', poolId: payload.slice(POOL_PREFIX.length) };
  return { kind: 'service', serviceId: payload };
}

/**
 * LISTEN on the schema's reconcile channel through @maas/events' PgNotifyListener (one
 * dedicated connection, reconnect with back-off) and hand each change, typed, to
 * `onChange`. After a reconnect it reports `unknown`: the caller resyncs.
 */
export class DbChangeListener {
  private readonly listener: WakeUpSource;

  constructor(config: ClientConfig, schema: string) {
    this.listener = new PgNotifyListener(
      { ...config, application_name: 'maas-deployments-reconciler' },
      reconcileChannel(schema),
      eventsLogger(new Logger('Reconciler')),
    );
  }

  /** Listens; a first connection that fails is retried in the background. */
  async start(onChange: (change: DbChange) => void): Promise<void> {
    await this.listener.start((payload) => onChange(parseDbChange(payload))).catch(() => undefined); // PgNotifyListener retries (and reports `unknown` once back)
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}

/** @maas/events' logging through the app logger (pino: `err` goes through its serializer). */
function eventsLogger(logger: Logger) {
  return {
    debug: (context: object, msg: string) => logger.debug({ msg, ...context }),
    info: (context: object, msg: string) => logger.log({ msg, ...context }),
    warn: (context: object, msg: string) => logger.warn({ msg, ...context }),
    error: (context: object, msg: string) => logger.error({ msg, ...context }),
  };
}
