import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Client-side rate limit of API requests, as client-go's QPS/Burst: a bucket of `burst`
 * tokens refilled at `qps` per second. `take()` reserves a token and waits until it is due,
 * so concurrent callers queue up fairly instead of all retrying at once.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Reserves a token; returns how long (ms) to wait before using it (0 = now). */
  reserve(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait);
  }
}
