import { Global, Module } from '@nestjs/common';
import { OutboxWriter } from '@maas/events';
import { IAM_CONFIG, type IamConfig } from '../config.js';
import { OutboxRelayService } from './outbox-relay.service.js';

/** The outbox writer every change uses, and the relay that publishes it to maas.iam.v1. */
@Global()
@Module({
  providers: [
    {
      provide: OutboxWriter,
      inject: [IAM_CONFIG],
      useFactory: (config: IamConfig) =>
        new OutboxWriter({ schema: config.DB_SCHEMA, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
    },
    OutboxRelayService,
  ],
  exports: [OutboxWriter],
})
export class EventsModule {}
