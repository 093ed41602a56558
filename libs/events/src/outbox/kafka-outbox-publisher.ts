import { type Kafka } from 'kafkajs';
import { byTopic, ReplaceableProducer } from '../kafka/replaceable-producer.js';
import { stderrLogger, type EventsLogger } from '../logger.js';
import { type OutboxPublisher, type OutboxRecord } from './relay-ports.js';

/**
 * OutboxPublisher over an idempotent kafkajs producer: a batch goes out as one `sendBatch`
 * (one request per broker, one in flight, so a partition gets the records in batch order)
 * and resolves when all in-sync replicas have it. See ReplaceableProducer for failures.
 * A record with an empty envelope is a tombstone (OutboxWriter.appendTombstone): its Kafka
 * value is null.
 */
export class KafkaOutboxPublisher implements OutboxPublisher {
  private readonly producer: ReplaceableProducer;

  constructor(kafka: Kafka, logger: EventsLogger = stderrLogger) {
    this.producer = new ReplaceableProducer(kafka, logger);
  }

  publish(records: readonly OutboxRecord[]): Promise<void> {
    return this.producer.send(
      byTopic(
        records.map((r) => ({
          topic: r.topic,
          key: r.key,
          value: r.envelope.length === 0 ? null : r.envelope,
        })),
      ),
    );
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
