import {
  type BeforeApplicationShutdown,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { type RedisConnections } from './jobs.module.js';
import { type QueueName } from './queues.js';

/** What a worker declares: the queue it runs, and how many of its jobs run at once. */
export interface QueueWorkerDeclaration {
  readonly queue: QueueName;
  readonly concurrency: number;
  /** Names its Redis connection (`deployments-<name>` in CLIENT LIST). */
  readonly connection: string;
  /** The logger context of its lines. */
  readonly logContext: string;
}

/**
 * The one lifecycle of the service's BullMQ workers: each worker declares its queue and
 * concurrency and handles a job; this starts it with the app (only where WORKERS is true,
 * after `beforeStart`, e.g. upserting job schedulers), logs a worker error through the
 * logger's serializer, and on shutdown closes it, which waits for the jobs in progress.
 */
export abstract class QueueWorker<T, R = unknown>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected readonly logger: Logger;
  private worker?: Worker<T, R>;

  protected constructor(
    private readonly declaration: QueueWorkerDeclaration,
    private readonly redis: RedisConnections,
    private readonly enabled: boolean,
  ) {
    this.logger = new Logger(declaration.logContext);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.beforeStart();
    const { queue, concurrency, connection } = this.declaration;
    this.worker = new Worker<T, R>(queue, (job, token) => this.process(job, token), {
      connection: this.redis.open(connection),
      prefix: this.redis.prefix,
      concurrency,
    });
    this.worker.on('error', (err) => this.logger.warn({ msg: 'worker error', err }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close(); // waits for the jobs in progress
  }

  /** Runs before the worker starts (once per process). */
  protected beforeStart(): Promise<void> {
    return Promise.resolve();
  }

  /** Handles one job; a throw is a failed attempt (BullMQ retries per the job's options). */
  protected abstract process(job: Job<T, R>, token?: string): Promise<R>;
}
