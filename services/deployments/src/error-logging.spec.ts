import { Writable } from 'node:stream';
import { Logger as NestLogger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyAdapter, Logger, ObservabilityModule } from '@maas/observability';
import { type DeploymentsConfig } from './config.js';
import { retryInBackground } from './events/retry-in-background.js';
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

/*
 * Every catch logs the error object under `err`, so the app logger's serializer masks a
 * password inside a URL (STYLE: no secret in a message or log). These run the real code paths
 * against the real app logger and read the lines pino writes.
 */

const lines: string[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});
const linesWith = (msg: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

let close: () => Promise<void> = () => Promise.resolve();

beforeAll(async () => {
  @Module({ imports: [ObservabilityModule.forRoot({ service: 'deployments', destination })] })
  class LoggingModule {}
  const moduleRef = await Test.createTestingModule({ imports: [LoggingModule] }).compile();
  const app = moduleRef.createNestApplication(createFastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  close = () => app.close();
});

afterAll(async () => {
  await close();
});

describe('a credential inside a failing URL never reaches a log line', () => {
  it('start-up retries: a database URL with a password', async () => {
    const aborted = new AbortController();
    await retryInBackground(
      'outbox topics',
      () => {
        aborted.abort(); // one failure is enough
        return Promise.reject(new Error('connect postgres://maas:pg-s3cret@db:5432/maas failed'));
      },
      aborted.signal,
      new NestLogger('Test'),
    );
    const [line] = linesWith('outbox topics failed; retrying');
    expect(line?.err).toMatchObject({
      type: 'Error',
      message: 'connect postgres://maas:[redacted]@db:5432/maas failed',
    });
    expect(lines.join('\n')).not.toContain('pg-s3cret');
  });

  it('leader election: a kube API URL with basic auth', async () => {
    const store: LeaseStore = {
      get: () =>
        Promise.reject(
          new Error('request to https://admin:kube-s3cret@10.0.0.1:6443/apis/leases failed'),
        ),
      create: () => Promise.resolve(),
      update: () => Promise.resolve(),
    };
    const elector = new LeaderElector(
      store,
      { identity: 'a', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      { onStartedLeading: () => Promise.resolve(), onStoppedLeading: () => Promise.resolve() },
      new NestLogger('LeaderElector'),
    );
    await elector.tick();
    const [line] = linesWith('leader election: cannot reach the Lease');
    expect(line?.err).toMatchObject({
      message: 'request to https://admin:[redacted]@10.0.0.1:6443/apis/leases failed',
    });
    expect(lines.join('\n')).not.toContain('kube-s3cret');
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

    const [line] = linesWith('notification attempt failed');
    expect(line?.err).toMatchObject({ type: 'TypeError' });
    expect(lines.join('\n')).not.toContain('wh-t0ken');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).not.toContain('wh-t0ken');
  });
});
