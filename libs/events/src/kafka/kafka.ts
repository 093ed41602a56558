import { type ISocketFactory, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { type EventsLogger, stderrLogger } from '../logger.js';
import { fixKafkajsIdleLoop } from './idle-loop-fix.js';

export interface KafkaClientOptions {
  /** "host:port,host:port" (as in KAFKA_BROKERS) or a list. */
  brokers: string | string[];
  clientId: string;
  /** kafkajs log level (default WARN): kafkajs is noisy below that. */
  logLevel?: logLevel;
  /** Where kafkajs logs go (default stderr). */
  logger?: EventsLogger;
  /** How connections are opened (default plain TCP); fault tests route them through a proxy. */
  socketFactory?: ISocketFactory;
}

/**
 * kafkajs warns on every idempotent producer with bounded retries. We bound them on purpose
 * (a send must fail so the relay can back off) and replace the producer after a failed send
 * (see KafkaOutboxPublisher), which keeps the guarantee the warning is about; so it is debug.
 */
const LIMITED_RETRIES_WARNING = 'Limiting retries for the idempotent producer';

/** A kafkajs client with the project's defaults; kafkajs logs go to `logger`. */
export function createKafka(options: KafkaClientOptions): Kafka {
  fixKafkajsIdleLoop();
  const logger = options.logger ?? stderrLogger;
  const brokers = Array.isArray(options.brokers)
    ? options.brokers
    : options.brokers
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean);
  return new Kafka({
    clientId: options.clientId,
    brokers,
    socketFactory: options.socketFactory,
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...context } = entry.log;
      const ctx = { kafkajs: entry.namespace, ...context };
      if (message.startsWith(LIMITED_RETRIES_WARNING)) logger.debug(ctx, message);
      else if (entry.level <= logLevel.ERROR) logger.error(ctx, message);
      else if (entry.level === logLevel.WARN) logger.warn(ctx, message);
      else if (entry.level === logLevel.INFO) logger.info(ctx, message);
      else logger.debug(ctx, message);
    },
  });
}

/**
 * An idempotent producer: the broker drops retried duplicates, and with one request in
 * flight per connection a partition receives messages in send order. The Java-compatible
 * murmur2 partitioner puts a key on the same partition as any other Kafka client would.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}
