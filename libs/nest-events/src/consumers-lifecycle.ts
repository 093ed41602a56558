import { type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundConsumers, type EventsLogger, type Startable } from '@maas/events';
import { eventsLogger } from './events-logger.js';

/** A consumer with its name (the inbox's consumer column, the Kafka group id after the prefix). */
export type NamedConsumer = readonly [name: string, consumer: Startable];

/**
 * The lifecycle every service's consumers share, tied to the application's: made and started
 * in the background once the app is up (each retried until it starts; the service serves what
 * it can meanwhile), where this process consumes (CONSUMERS_RUN); stopped, offsets committed,
 * before the connections close. A subclass says which consumers (`consumers()`).
 */
export abstract class ConsumersLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  /** The events lib's logger under the subclass's context (give it to the consumers too). */
  protected readonly logger: EventsLogger;
  private readonly background: BackgroundConsumers;

  /** `context` names the log lines; `consume` false = this process runs no consumer. */
  protected constructor(
    context: string,
    private readonly consume: boolean,
  ) {
    this.logger = eventsLogger(context);
    this.background = new BackgroundConsumers(this.logger);
  }

  /** The consumers to run, made when the application has started. */
  protected abstract consumers(): readonly NamedConsumer[];

  onApplicationBootstrap(): void {
    if (!this.consume) return;
    this.background.start(this.consumers());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.background.stop();
  }
}
