import { Global, Module } from '@nestjs/common';
import { OutboxWriter } from '@maas/events';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';
import { ConsumersService } from './consumers.service.js';
import { kafkaProvider, KAFKA } from './kafka.provider.js';
import { OutboxRelayService } from './outbox-relay.service.js';

/** The outbox writer, its relay to maas.keys.v1, and the consumers of the service. */
@Global()
@Module({
  providers: [
    kafkaProvider,
    {
      provide: OutboxWriter,
      inject: [KEYS_CONFIG],
      useFactory: (config: KeysConfig) =>
        new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
    },
    OutboxRelayService,
    ConsumersService,
  ],
  exports: [OutboxWriter, KAFKA],
})
export class EventsModule {}
