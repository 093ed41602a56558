import { once } from 'node:events';
import { Redis } from 'ioredis';
import { type Probe, type ReadinessCheck } from '../probe.js';

export interface RedisCheckOptions {
  name?: string;
  /**
   * Whether readiness needs Redis (default false): what uses it (jobs, limits) degrades
   * while it is away; the admin API answers from the database.
   */
  readiness?: boolean;
  /** redis:// or rediss:// URL. */
  url: string;
}

class RedisProbe implements Probe {
  private readonly client: Redis;

  constructor(url: string) {
    // Commands fail at once while disconnected instead of queueing; ioredis reconnects in
    // the background with its default back-off.
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: 'health',
    });
    // Failures surface through ping(); without a listener ioredis prints every one.
    this.client.on('error', () => undefined);
  }

  async ping(signal: AbortSignal): Promise<void> {
    const { status } = this.client;
    if (status === 'wait') await this.client.connect();
    else if (status === 'connecting' || status === 'connect') {
      await once(this.client, 'ready', { signal });
    } else if (status !== 'ready') throw new Error(`not connected (${status})`);
    await this.client.ping();
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}

/** Redis: PING on a small dedicated connection. */
export function redisCheck(options: RedisCheckOptions): ReadinessCheck {
  return {
    name: options.name ?? 'redis',
    readiness: options.readiness ?? false,
    create: () => new RedisProbe(options.url),
  };
}
