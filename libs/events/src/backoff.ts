export interface BackoffOptions {
  /** First delay after a failure (default 200 ms). */
  minMs?: number;
  /** Upper bound (default 30 s). */
  maxMs?: number;
}

/**
 * Exponential back-off with full jitter in the upper half: the n-th consecutive failure
 * (1-based) waits between d/2 and d, d = min(max, min * 2^(n-1)).
 */
export function backoffDelay(
  failures: number,
  { minMs = 200, maxMs = 30_000 }: BackoffOptions = {},
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * A sleep that `wake()` can end early (when the sleep is wakeable) and `interrupt()` always
 * ends. A wake-up that arrives while nobody sleeps is remembered for the next sleep, so a
 * notification during work is never lost.
 */
export class Sleeper {
  private pendingWake = false;
  private current?: { resolve: () => void; timer: NodeJS.Timeout; wakeable: boolean };

  sleep(ms: number, { wakeable = true } = {}): Promise<void> {
    if (wakeable && this.consumeWake()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.current = { resolve, timer, wakeable };
    });
  }

  /** Ends a wakeable sleep now, or makes the next one return at once. */
  wake(): void {
    if (this.current?.wakeable) this.finish();
    else this.pendingWake = true;
  }

  /** Ends any sleep now (used by stop). */
  interrupt(): void {
    this.finish();
  }

  /** True (and forgets it) if a wake-up arrived since the last call. */
  consumeWake(): boolean {
    const was = this.pendingWake;
    this.pendingWake = false;
    return was;
  }

  private finish(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(current.timer);
    current.resolve();
  }
}
