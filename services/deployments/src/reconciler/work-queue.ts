/** What a pass reports back to the queue. */
export type PassOutcome =
  /** Done; look again after `requeueAfterMs` if given (a deadline to check). */
  | { readonly kind: 'done'; readonly requeueAfterMs?: number }
  /** A retryable failure: retry with this key's exponential back-off. */
  | { readonly kind: 'retry'; readonly error: unknown }
  /** A terminal failure: retrying soon cannot help; retry after the longest back-off. */
  | { readonly kind: 'terminal'; readonly error: unknown };

export type PassHandler = (key: string) => Promise<PassOutcome>;

export interface WorkQueueOptions {
  /** Passes at once (never two for one key). */
  readonly workers: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  /** Called after every change of the number of keys waiting. */
  readonly onDepth?: (depth: number) => void;
}

/**
 * The reconciler's work queue, as client-go's workqueue: keyed and de-duplicating (a key
 * waiting is never added twice), with per-key exclusivity (a key being processed that is
 * added again is processed once more after the current pass, never concurrently),
 * delayed adds (the earliest wins), and per-key exponential back-off on failures (reset
 * by a successful pass).
 */
export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private handler?: PassHandler;

  constructor(private readonly options: WorkQueueOptions) {}

  /** Starts processing with `handler`. */
  start(handler: PassHandler): void {
    this.handler = handler;
    this.pump();
  }

  /** Stops taking keys, forgets every waiting and delayed key, waits for the passes running. */
  async stop(): Promise<void> {
    this.handler = undefined;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.queued.clear();
    this.dirty.clear();
    this.failures.clear();
    this.reportDepth();
    await Promise.allSettled([...this.inFlight]);
  }

  get running(): boolean {
    return this.handler !== undefined;
  }

  /** Keys waiting (not counting those being processed or delayed). */
  get depth(): number {
    return this.waiting.length;
  }

  /** Keys waiting or being processed (0: idle, but for delayed re-checks). */
  get pending(): number {
    return this.waiting.length + this.processing.size;
  }

  add(key: string): void {
    if (!this.handler || this.queued.has(key)) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    this.waiting.push(key);
    this.reportDepth();
    this.pump();
  }

  /** Adds the key after `ms`; an earlier pending add of the key wins. */
  addAfter(key: string, ms: number): void {
    if (!this.handler) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Adds the key after its back-off: min · 2^(failures−1), capped at the max. */
  addRateLimited(key: string): void {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.addAfter(key, this.backoff(failures));
  }

  /** The key succeeded: its back-off starts over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Consecutive failures of the key so far. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private backoff(failures: number): number {
    const { backoffMinMs: min, backoffMaxMs: max } = this.options;
    return Math.min(max, min * 2 ** Math.min(30, failures - 1));
  }

  private pump(): void {
    while (this.handler && this.processing.size < this.options.workers && this.waiting.length) {
      const key = this.waiting.shift() as string;
      this.queued.delete(key);
      this.processing.add(key);
      const pass = this.run(this.handler, key);
      this.inFlight.add(pass);
      void pass.finally(() => this.inFlight.delete(pass));
    }
    this.reportDepth();
  }

  private async run(handler: PassHandler, key: string): Promise<void> {
    let outcome: PassOutcome;
    try {
      outcome = await handler(key);
    } catch (error) {
      outcome = { kind: 'retry', error };
    }
    this.processing.delete(key);
    this.settle(key, outcome);
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
  }

  private settle(key: string, outcome: PassOutcome): void {
    switch (outcome.kind) {
      case 'done':
        this.forget(key);
        if (outcome.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs);
        return;
      case 'retry':
        this.addRateLimited(key);
        return;
      case 'terminal':
        this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
        this.addAfter(key, this.options.backoffMaxMs);
        return;
    }
  }

  private reportDepth(): void {
    this.options.onDepth?.(this.waiting.length);
  }
}
