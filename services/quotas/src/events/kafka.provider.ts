import { type Kafka } from 'kafkajs';
import { createKafka } from '@maas/events';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';

/** The one kafkajs client of the process (producers, consumers and admin share it). */
export const KAFKA = Symbol('KAFKA');

export const kafkaProvider = {
  provide: KAFKA,
  inject: [QUOTAS_CONFIG],
  useFactory: (config: QuotasConfig): Kafka =>
    createKafka({
      brokers: [...config.KAFKA_BROKERS],
      clientId: 'quotas',
      logger: eventsLogger('Kafka'),
    }),
};
