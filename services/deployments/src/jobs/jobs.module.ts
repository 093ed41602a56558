import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import {
  type AutoStopJob,
  type DeliverNotificationJob,
  type MaintenanceJob,
  QueueName,
} from './queues.js';

/** Opens Redis connections for BullMQ and closes them all on shutdown. */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly opened: Redis[] = [];

  constructor(@Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig) {}

  /** A new connection as BullMQ needs it (no per-command retry limit). */
  open(name: string): Redis {
    const redis = new Redis(this.config.REDIS_URL, {
      maxRetriesPerRequest: null,
      connectionName: `deployments-${name}`,
    });
    redis.on('error', () => undefined); // ioredis reconnects; BullMQ reports failures
    this.opened.push(redis);
    return redis;
  }

  get prefix(): string {
    return this.config.BULLMQ_PREFIX;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.opened.map((redis) => redis.quit()));
  }
}

export const NOTIFICATIONS_QUEUE = Symbol('NOTIFICATIONS_QUEUE');
export const MAINTENANCE_QUEUE = Symbol('MAINTENANCE_QUEUE');
export const AUTO_STOP_QUEUE = Symbol('AUTO_STOP_QUEUE');

export type NotificationsQueue = Queue<DeliverNotificationJob>;
export type MaintenanceQueue = Queue<MaintenanceJob>;
export type AutoStopQueue = Queue<AutoStopJob>;

function queueProvider(token: symbol, name: QueueName): Provider {
  return {
    provide: token,
    inject: [RedisConnections],
    useFactory: (redis: RedisConnections) =>
      new Queue(name, { connection: redis.open(`queue-${name}`), prefix: redis.prefix }),
  };
}

/** Closes the queues before their connections (which close on application shutdown). */
@Injectable()
class QueueCloser implements BeforeApplicationShutdown {
  constructor(
    @Inject(NOTIFICATIONS_QUEUE) private readonly notifications: NotificationsQueue,
    @Inject(MAINTENANCE_QUEUE) private readonly maintenance: MaintenanceQueue,
    @Inject(AUTO_STOP_QUEUE) private readonly autoStop: AutoStopQueue,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.notifications.close(),
      this.maintenance.close(),
      this.autoStop.close(),
    ]);
  }
}

/** The BullMQ queues (producers side); workers live with their features. */
@Global()
@Module({
  providers: [
    RedisConnections,
    queueProvider(NOTIFICATIONS_QUEUE, QueueName.Notifications),
    queueProvider(MAINTENANCE_QUEUE, QueueName.Maintenance),
    queueProvider(AUTO_STOP_QUEUE, QueueName.AutoStop),
    QueueCloser,
  ],
  exports: [RedisConnections, NOTIFICATIONS_QUEUE, MAINTENANCE_QUEUE, AUTO_STOP_QUEUE],
})
export class JobsModule {}
