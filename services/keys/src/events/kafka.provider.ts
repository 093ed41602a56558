import { type Kafka } from 'kafkajs';
import { createKafka } from '@maas/events';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';

/** The one kafkajs client of the process (producers, consumers and admin share it). */
export const KAFKA = Symbol('KAFKA');

export const kafkaProvider = {
  provide: KAFKA,
  inject: [KEYS_CONFIG],
  useFactory: (config: KeysConfig): Kafka =>
    createKafka({
      brokers: [...config.KAFKA_BROKERS],
      clientId: 'keys',
      logger: eventsLogger('Kafka'),
    }),
};
