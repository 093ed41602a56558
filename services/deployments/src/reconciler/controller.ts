import { type Logger } from '@nestjs/common';
import { type ReconcilerMetrics } from './reconciler.metrics.js';
import { outcomeOf } from './terminal-error.js';
import { type PassOutcome, WorkQueue } from './work-queue.js';

export interface ControllerOptions<K> {
  /** The kind it reconciles: the `kind` label of the reconcile metrics. */
  readonly name: string;
  /** A key's identity (de-duplication) and how logs name it. */
  readonly identify: (key: K) => string;
  /** One level-triggered pass over one key; a throw is classified by `outcomeOf`. */
  readonly reconcile: (key: K) => Promise<PassOutcome>;
  readonly workers: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly metrics: ReconcilerMetrics;
  readonly logger: Logger;
  /** Called after every pass (the term measures its takeover with the first one). */
  readonly onPass?: () => void;
}

/**
 * One controller per kind, as controller-runtime's: its own typed work queue and workers,
 * one `reconcile` function. A pass that fails is retried with the key's back-off, unless
 * the failure is terminal (TerminalError, a Kubernetes refusal, a domain error retrying
 * cannot fix): that is logged and counted, and the key is not requeued — the next event
 * about it, or the periodic resync, looks again. Lives for one leadership term.
 */
export class Controller<K> {
  private readonly queue: WorkQueue<K>;

  constructor(private readonly options: ControllerOptions<K>) {
    this.queue = new WorkQueue<K>({
      identify: options.identify,
      workers: options.workers,
      backoffMinMs: options.backoffMinMs,
      backoffMaxMs: options.backoffMaxMs,
      onDepth: (depth) => options.metrics.queueDepth.set({ kind: options.name }, depth),
      onWait: (ms) => options.metrics.queueWait.observe({ kind: options.name }, ms / 1000),
    });
  }

  get name(): string {
    return this.options.name;
  }

  start(): void {
    this.queue.start((key) => this.process(key));
  }

  /** Takes no new key, forgets those waiting, waits for the passes running. */
  stop(): Promise<void> {
    return this.queue.stop();
  }

  get running(): boolean {
    return this.queue.running;
  }

  /** Keys waiting or in a pass. */
  get pending(): number {
    return this.queue.pending;
  }

  add(key: K): void {
    this.queue.add(key);
  }

  /** One pass of one key; never throws (the outcome tells the queue what to do next). */
  private async process(key: K): Promise<PassOutcome> {
    const { name, metrics, logger } = this.options;
    const end = metrics.passDuration.startTimer({ kind: name });
    let outcome: PassOutcome;
    try {
      outcome = await this.options.reconcile(key);
    } catch (error) {
      outcome = outcomeOf(error);
    }
    end({ outcome: outcome.kind });
    this.options.onPass?.();
    if (outcome.kind === 'done') return outcome;
    metrics.errors.inc({ kind: name, class: outcome.kind });
    const log = {
      msg:
        outcome.kind === 'retry'
          ? `reconcile ${name} ${this.options.identify(key)} failed; retrying with back-off`
          : `reconcile ${name} ${this.options.identify(key)} failed for good; not retried until it changes or the resync`,
      err: outcome.error,
      failures: this.queue.failuresOf(key) + 1,
    };
    if (outcome.kind === 'terminal') logger.error(log);
    else logger.warn(log);
    return outcome;
  }
}
