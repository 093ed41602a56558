import { type Provider } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { createKafka } from '@maas/events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { eventsLogger } from './events-logger.js';

/** The service's kafkajs client (clients are cheap; producers and consumers are made from it). */
export const KAFKA = Symbol('KAFKA');

export const kafkaProvider: Provider<Kafka> = {
  provide: KAFKA,
  inject: [DEPLOYMENTS_CONFIG],
  useFactory: (config: DeploymentsConfig) =>
    createKafka({
      brokers: [...config.KAFKA_BROKERS],
      clientId: 'deployments',
      logger: eventsLogger('Kafka'),
    }),
};
