import { Global, Module } from '@nestjs/common';
import { OutboxWriter } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import { ConsumersService } from './consumers.service.js';
import { kafkaProvider, KAFKA } from './kafka.provider.js';
import { OutboxRelayService } from './outbox-relay.service.js';

/** The outbox writer, its relay to maas.quotas.v1, and the consumers of the service. */
@Global()
@Module({
  providers: [
    kafkaProvider,
    {
      provide: OutboxWriter,
      inject: [QUOTAS_CONFIG],
      useFactory: (config: QuotasConfig) =>
        new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
    },
    OutboxRelayService,
    ConsumersService,
  ],
  exports: [OutboxWriter, KAFKA],
})
export class EventsModule {}
