/** What a pass reports back to the queue. */
export type PassOutcome =
  /** Done; look again after `requeueAfterMs` if given (a deadline to check). */
  | { readonly kind: 'done'; readonly requeueAfterMs?: number }
  /** A retryable failure: retry with this key's exponential back-off. */
  | { readonly kind: 'retry'; readonly error: unknown }
  /**
   * A terminal failure (controller-runtime's TerminalError): retrying cannot help, so the key
   * is not requeued; the next event about it or the periodic resync looks again.
   */
  | { readonly kind: 'terminal'; readonly error: unknown };

export type PassHandler<K> = (key: K) => Promise<PassOutcome>;

export interface WorkQueueOptions<K> {
  /** The identity of a key: two keys with one identity are one key (de-duplicated). */
  readonly identify: (key: K) => string;
  /** Passes at once (never two for one key). */
  readonly workers: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  /** Called after every change of the number of keys waiting. */
  readonly onDepth?: (depth: number) => void;
  /** Called when a key leaves the queue for a pass, with how long it waited (ms). */
  readonly onWait?: (ms: number) => void;
}

/**
 * A controller's work queue, as client-go's typed workqueue: keyed (typed keys, compared by
 * `identify`) and de-duplicating (a key waiting is never added twice), with per-key
 * exclusivity (a key being processed that is added again is processed once more after the
 * current pass, never concurrently), delayed adds (the earliest wins), and per-key
 * exponential back-off on failures (reset by a successful pass or a terminal failure).
 */
export class WorkQueue<K> {
  private readonly waiting: string[] = [];
  /** When each waiting key was queued (client-go's workqueue queue_duration). */
  private readonly queuedAt = new Map<string, number>();
  private readonly keys = new Map<string, K>();
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private handler?: PassHandler<K>;

  constructor(private readonly options: WorkQueueOptions<K>) {}

  /** Starts processing with `handler`. */
  start(handler: PassHandler<K>): void {
    this.handler = handler;
    this.pump();
  }

  /** Stops taking keys, forgets every waiting and delayed key, waits for the passes running. */
  async stop(): Promise<void> {
    this.handler = undefined;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.queuedAt.clear();
    this.keys.clear();
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

  add(key: K): void {
    if (!this.handler) return;
    const id = this.options.identify(key);
    this.keys.set(id, key);
    if (this.queued.has(id)) return;
    if (this.processing.has(id)) {
      this.dirty.add(id);
      return;
    }
    this.queued.add(id);
    this.waiting.push(id);
    if (this.options.onWait) this.queuedAt.set(id, Date.now());
    this.reportDepth();
    this.pump();
  }

  /** Adds the key after `ms`; an earlier pending add of the key wins. */
  addAfter(key: K, ms: number): void {
    if (!this.handler) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const id = this.options.identify(key);
    const at = Date.now() + ms;
    const pending = this.timers.get(id);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(id, { at, timer });
  }

  /** Adds the key after its back-off: min · 2^(failures−1), capped at the max. */
  addRateLimited(key: K): void {
    const id = this.options.identify(key);
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    this.addAfter(key, this.backoff(failures));
  }

  /** The key succeeded (or failed for good): its back-off starts over. */
  forget(key: K): void {
    this.failures.delete(this.options.identify(key));
  }

  /** Consecutive failures of the key so far. */
  failuresOf(key: K): number {
    return this.failures.get(this.options.identify(key)) ?? 0;
  }

  private backoff(failures: number): number {
    const { backoffMinMs: min, backoffMaxMs: max } = this.options;
    return Math.min(max, min * 2 ** Math.min(30, failures - 1));
  }

  private pump(): void {
    while (this.handler && this.processing.size < this.options.workers && this.waiting.length) {
      const id = this.waiting.shift() as string;
      const key = this.keys.get(id) as K;
      this.queued.delete(id);
      const since = this.queuedAt.get(id);
      if (since !== undefined) {
        this.queuedAt.delete(id);
        this.options.onWait?.(Date.now() - since);
      }
      this.processing.add(id);
      const pass = this.run(this.handler, id, key);
      this.inFlight.add(pass);
      void pass.finally(() => this.inFlight.delete(pass));
    }
    this.reportDepth();
  }

  private async run(handler: PassHandler<K>, id: string, key: K): Promise<void> {
    let outcome: PassOutcome;
    try {
      outcome = await handler(key);
    } catch (error) {
      outcome = { kind: 'retry', error };
    }
    this.processing.delete(id);
    if (!this.queued.has(id) && !this.dirty.has(id) && !this.timers.has(id)) this.keys.delete(id);
    this.settle(key, outcome);
    if (this.dirty.delete(id)) this.add(this.keys.get(id) ?? key);
    this.pump();
  }

  private settle(key: K, outcome: PassOutcome): void {
    switch (outcome.kind) {
      case 'done':
        this.forget(key);
        if (outcome.requeueAfterMs !== undefined) this.addAfter(key, outcome.requeueAfterMs);
        return;
      case 'retry':
        this.addRateLimited(key);
        return;
      case 'terminal':
        this.forget(key);
        return;
    }
  }

  private reportDepth(): void {
    this.options.onDepth?.(this.waiting.length);
  }
}
