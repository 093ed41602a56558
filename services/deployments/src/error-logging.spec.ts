import { Logger as NestLogger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IamProjection, IamProjectionConsumer } from '@maas/auth';
import { captureAppLogs, type CapturedLogs } from '@maas/service-testing';
import { type DeploymentsConfig } from './config.js';
import { type DeliverNotificationJob } from './jobs/queues.js';
import {
  type KafkaNotificationSender,
  WebhookNotificationSender,
} from './notifications/notification-senders.js';
import { type NotificationEntity } from './notifications/notification.entity.js';
import { NotificationWorker } from './notifications/notification.worker.js';
import { type NotificationsRepository } from './notifications/notifications.repository.js';
import { type RedisConnections } from './jobs/jobs.module.js';
import { LeaderElector } from './reconciler/leader/leader-elector.js';
import { type LeaseStore } from './reconciler/leader/lease-record.js';
import { type KubeClient } from './kubernetes/kube-client.js';
import { type ModelServicesRepository } from './model-services/model-services.repository.js';
import { ReadServiceLogs } from './service-logs/read-service-logs.js';

/*
 * Every catch logs the error object under `err`, so the app logger's serializer masks a
 * password inside a URL (STYLE: no secret in a message or log). These run the real code paths
 * against the real app logger and read the lines pino writes.
 */

let logs: CapturedLogs;

beforeAll(async () => {
  logs = await captureAppLogs('deployments');
});

afterAll(async () => {
  await logs.close();
});

describe('a credential inside a failing URL never reaches a log line', () => {
  it('start-up retries (the IAM projection consumer): a Kafka URL with a password', async () => {
    const failing = {
      start: () => Promise.reject(new Error('connect kafka://maas:kafka-s3cret@k:9092 refused')),
      stop: () => Promise.resolve(),
    };
    const consumer = new IamProjectionConsumer(
      { consumer: () => failing } as unknown as IamProjection,
      {} as Kafka,
      {
        config: { IAM_JWKS_URL: '', DB_SCHEMA: 'deployments', KAFKA_TOPIC_PREFIX: '' },
        consumerName: 'deployments.iam-projection',
        consume: true,
      },
    );
    consumer.onApplicationBootstrap();
    await expect.poll(() => logs.withMsg('cannot start consumer; retrying')).not.toHaveLength(0);
    await consumer.beforeApplicationShutdown();
    const [line] = logs.withMsg('cannot start consumer; retrying');
    expect(JSON.stringify(line?.err)).toContain('kafka://maas:[redacted]@k:9092');
    expect(logs.text()).not.toContain('kafka-s3cret');
  });

  it('leader election: a kube API URL with basic auth', async () => {
    const store: LeaseStore = {
      get: () =>
        Promise.reject(
          new Error('request to https://admin:kube-s3cret@10.0.0.1:6443/apis/leases failed'),
        ),
      create: () => Promise.resolve('1'),
      update: () => Promise.resolve('1'),
    };
    const elector = new LeaderElector(
      store,
      { identity: 'a', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      { onStartedLeading: () => Promise.resolve(), onStoppedLeading: () => Promise.resolve() },
      new NestLogger('LeaderElector'),
    );
    await elector.tick();
    const [line] = logs.withMsg('leader election: cannot reach the Lease');
    expect(line?.err).toMatchObject({
      message: 'request to https://admin:[redacted]@10.0.0.1:6443/apis/leases failed',
    });
    expect(logs.text()).not.toContain('kube-s3cret');
  });

  it('notifications: a webhook URL with a token, neither logged nor kept as the last error', async () => {
    const topic = 'https://hook:wh-t0ken@hooks.example.test/deliver';
    const row = {
      id: '00000000-0000-4000-8000-000000000001',
      serviceId: '00000000-0000-4000-8000-000000000002',
      accountId: '00000000-0000-4000-8000-000000000003',
      projectId: '00000000-0000-4000-8000-000000000004',
      serviceName: 'svc',
      topic,
      event: 'state_changed',
      state: 'running',
      reason: '',
      message: '',
      occurredAt: new Date(),
      status: 'pending',
    } as unknown as NotificationEntity;
    const recorded: string[] = [];
    const repository = {
      find: () => Promise.resolve(row),
      attemptFailed: (_id: string, _attempt: number, error: string) => {
        recorded.push(error);
        return Promise.resolve();
      },
    } as unknown as NotificationsRepository;
    const config = { WEBHOOK_TIMEOUT_MS: 1_000, WORKERS: false } as DeploymentsConfig;
    const worker = new NotificationWorker(
      repository,
      {} as KafkaNotificationSender,
      new WebhookNotificationSender('signing-secret', config),
      {} as RedisConnections,
      config,
    );
    const job = {
      data: { notificationId: row.id },
      attemptsMade: 0,
      opts: { attempts: 3 },
    } as unknown as Job<DeliverNotificationJob>;

    // fetch refuses a URL with credentials, and says so with the URL in its message.
    await expect(worker.deliver(job)).rejects.toThrow();

    const [line] = logs.withMsg('notification attempt failed');
    expect(line?.err).toMatchObject({ type: 'TypeError' });
    expect(logs.text()).not.toContain('wh-t0ken');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).not.toContain('wh-t0ken');
  });

  it('service logs: an unexpected failure of a pod log read is logged masked, never answered', async () => {
    const service = { id: 'svc-1', k8sNamespace: 'ns-1' };
    const reader = new ReadServiceLogs(
      { find: () => Promise.resolve(service) } as unknown as ModelServicesRepository,
      {
        listNamespacedPods: () =>
          Promise.resolve([{ metadata: { name: 'pod-1', namespace: 'ns-1' }, spec: {} }]),
        podLog: () =>
          Promise.reject(new Error('GET https://admin:logs-s3cret@10.0.0.1:6443/log failed')),
      } as unknown as KubeClient,
      { LOGS_MAX_LINES: 100 } as DeploymentsConfig,
    );
    const ctx = { projectId: 'p-1' } as Parameters<ReadServiceLogs['execute']>[0];
    const answer = await reader.execute(ctx, service.id, {});
    expect(answer.notes).toEqual(['Instance pod-1: no log available (unexpected error).']);
    await expect.poll(() => logs.withMsg('cannot read a pod log')).toHaveLength(1);
    const [line] = logs.withMsg('cannot read a pod log');
    expect(line?.err).toMatchObject({
      message: 'GET https://admin:[redacted]@10.0.0.1:6443/log failed',
    });
    expect(logs.text()).not.toContain('logs-s3cret');
  });
});
