import { Client, type ClientConfig } from 'pg';
import { type DataSource } from 'typeorm';
import { backoffDelay } from '../backoff.js';
import { stderrLogger, type EventsLogger } from '../logger.js';
import { type WakeUpSource } from './relay-ports.js';

/**
 * WakeUpSource on PostgreSQL LISTEN: one dedicated connection (not from the pool) listening
 * on a channel; each notification calls `onWakeUp` with its payload. When the connection
 * drops it reconnects with back-off and then calls `onWakeUp()` once without a payload,
 * since notifications sent meanwhile are lost. Used by the outbox relay and by the
 * deployments reconciler (whose payloads name what changed).
 */
export class PgNotifyListener implements WakeUpSource {
  private client?: Client;
  private onWakeUp: (payload?: string) => void = () => undefined;
  private stopped = true;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly logger: EventsLogger = stderrLogger,
  ) {}

  async start(onWakeUp: (payload?: string) => void): Promise<void> {
    this.onWakeUp = onWakeUp;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('notification', (n) => this.onWakeUp(n.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    } catch (error) {
      this.lost(client, error);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private lost(client: Client, error: unknown): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    if (this.retryTimer) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.failures += 1;
    const delay = backoffDelay(this.failures, { minMs: 500, maxMs: 30_000 });
    this.logger.warn(
      { err: error, channel: this.channel, retryInMs: delay },
      'LISTEN connection lost',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.connect().then(
        () => this.onWakeUp(),
        () => undefined, // lost() scheduled the next attempt
      );
    }, delay);
  }
}

/** pg connection settings of a TypeORM PostgreSQL DataSource (its primary, if replicated). */
export function pgConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres')
    throw new Error(`expected a postgres DataSource, got ${options.type}`);
  const primary = options.replication?.master ?? options;
  return {
    connectionString: primary.url,
    host: primary.host,
    port: primary.port,
    user: primary.username,
    password: primary.password,
    database: primary.database,
    // TypeORM hands these TLS options to pg as they are.
    ssl: primary.ssl as ClientConfig['ssl'],
    application_name: `${options.applicationName ?? 'maas'}-outbox-listen`,
  };
}
