import { type DynamicModule, Module } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { createKafka } from '@maas/events';
import { eventsLogger } from './events-logger.js';

/** The injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

export interface KafkaModuleOptions {
  /** The service's configuration: its KAFKA_BROKERS. */
  config: { readonly KAFKA_BROKERS: readonly string[] };
  /** The client id brokers see, e.g. `keys`. */
  clientId: string;
}

/**
 * The one kafkajs client of the process, injectable everywhere as KAFKA (producers,
 * consumers and admin clients are made from it); kafkajs logs go to the app logger.
 */
@Module({})
export class KafkaModule {
  static forRoot({ config, clientId }: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [
        {
          provide: KAFKA,
          useFactory: (): Kafka =>
            createKafka({
              brokers: [...config.KAFKA_BROKERS],
              clientId,
              logger: eventsLogger('Kafka'),
            }),
        },
      ],
      exports: [KAFKA],
    };
  }
}
