import { Pool } from 'undici';

export interface UpstreamPoolOptions {
  /** Keep-alive connections per instance at most. */
  connections: number;
  connectTimeoutMs: number;
  /** Until the response headers (non-streaming vLLM sends them with the whole completion). */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks (a stalled stream). */
  bodyTimeoutMs: number;
}

/** A pool unused this long is closed (its instance is most likely gone). */
const IDLE_POOL_MS = 5 * 60_000;

/**
 * One undici keep-alive Pool per model instance origin (`http://ip:port`), so a call reuses
 * a warm connection instead of paying a TCP handshake (the gateway's added latency is a
 * headline number, SPEC §8). Pools of instances that disappeared are closed after a while.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, { pool: Pool; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: UpstreamPoolOptions) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  get(origin: string): Pool {
    const now = Date.now();
    const entry = this.pools.get(origin);
    if (entry) {
      entry.lastUsed = now;
      return entry.pool;
    }
    const pool = new Pool(origin, {
      connections: this.options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connectTimeout: this.options.connectTimeoutMs,
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
    });
    this.pools.set(origin, { pool, lastUsed: now });
    return pool;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const pools = [...this.pools.values()].map((e) => e.pool);
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_POOL_MS;
    for (const [origin, entry] of this.pools) {
      if (entry.lastUsed >= cutoff) continue;
      this.pools.delete(origin);
      void entry.pool.close().catch(() => undefined);
    }
  }
}
