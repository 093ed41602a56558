import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Kafka, type Producer } from 'kafkajs';
import { buildEvent, createIdempotentProducer, ServiceNotificationSchema } from '@maas/events';
import { KAFKA } from '@maas/nest-events';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { protoState, type ServiceState as State } from '../lifecycle/index.js';
import { webhookBody } from './notification-body.js';
import { type NotificationEntity } from './notification.entity.js';
import { WEBHOOK_SECRET } from './webhook-secret.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/**
 * Publishes a notification to the subscriber's Kafka topic (KAFKA_TOPIC_PREFIX + topic),
 * creating the topic on first use (the brokers do not auto-create topics). The envelope's
 * event id is the notification id, so a redelivery is recognisably the same notification.
 */
@Injectable()
export class KafkaNotificationSender implements OnApplicationShutdown {
  private readonly logger = new Logger('KafkaNotifications');
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  private readonly knownTopics = new Set<string>();

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async send(row: NotificationEntity, topic: string): Promise<void> {
    const physical = `${this.config.KAFKA_TOPIC_PREFIX}${topic}`;
    await this.ensureTopic(physical);
    const built = buildEvent({
      schema: ServiceNotificationSchema,
      payload: {
        notificationId: row.id,
        serviceId: row.serviceId,
        serviceName: row.serviceName,
        topic: row.topic,
        event: row.event,
        state: protoState(row.state as State),
        reason: row.reason,
        message: row.message,
        occurredAt: timestampFromDate(row.occurredAt),
      },
      accountId: row.accountId,
      projectId: row.projectId,
      aggregateType: 'service',
      aggregateId: row.serviceId,
      eventId: row.id,
      occurredAt: row.occurredAt,
    });
    const producer = await this.connect();
    await producer.send({
      topic: physical,
      acks: -1,
      messages: [{ key: row.serviceId, value: Buffer.from(built.bytes) }],
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }

  private connect(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = createIdempotentProducer(this.kafka);
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private async ensureTopic(topic: string): Promise<void> {
    if (this.knownTopics.has(topic)) return;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) {
        await admin
          .createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic,
                numPartitions: this.config.KAFKA_TOPIC_PARTITIONS,
                replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
              },
            ],
          })
          .catch((error: unknown) => {
            if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
          });
        this.logger.log({ msg: 'created notification topic', topic });
      }
      this.knownTopics.add(topic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

/** POSTs a notification to a webhook, signed (X-MaaS-Signature); any non-2xx is a failure. */
@Injectable()
export class WebhookNotificationSender {
  constructor(
    @Inject(WEBHOOK_SECRET) private readonly secret: string,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async send(row: NotificationEntity, url: string): Promise<void> {
    const body = JSON.stringify(webhookBody(row));
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'maas-deployments/1',
        'x-maas-notification-id': row.id,
        'x-maas-event': row.event,
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(
          this.secret,
          body,
          Math.floor(Date.now() / 1000),
        ),
      },
      body,
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 300)
      throw new Error(`webhook answered HTTP ${response.status}`);
  }
}
