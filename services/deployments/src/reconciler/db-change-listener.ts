import { type Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import { backoffDelay } from '@maas/events';

/**
 * LISTEN on the schema's reconcile channel (see the ReconcilerNotify migration): calls
 * `onChange` with each payload (a service id, or `pool:<id>`). One dedicated connection;
 * when it drops, it reconnects with back-off and then calls `onReconnect`, since
 * notifications sent meanwhile are lost (the caller re-reads what is unsettled).
 */
export class DbChangeListener {
  private client?: Client;
  private stopped = true;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly onChange: (payload: string) => void,
    private readonly onReconnect: () => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch(() => undefined); // lost() retries
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ ...this.config, application_name: 'maas-deployments-reconciler' });
    client.on('notification', (n) => {
      if (n.payload) this.onChange(n.payload);
    });
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
    this.logger.warn({
      msg: 'reconciler LISTEN connection lost',
      err: error,
      retryInMs: delay,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.connect().then(
        () => this.onReconnect(),
        () => undefined,
      );
    }, delay);
  }
}
