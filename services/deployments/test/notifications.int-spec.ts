// Event notification and retention on the real stack: a webhook receives a signed
// notification (verified here with the HMAC), a failing webhook is retried with back-off
// until it answers 200 (and one that never does ends `failed`, never blocking the
// lifecycle), a Kafka subscriber topic gets the notification, and the scheduled BullMQ job
// purges service events older than the retention.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseEvent,
  type ServiceNotification,
  ServiceNotificationSchema,
  ServiceState,
} from '@maas/events';
import { eventually } from '@maas/testing';
import { verifySignature } from '../src/notifications/webhook-signature.js';
import { createPool, deployBody, Harness, type Tenant, WEBHOOK_SECRET } from './harness.js';
import { stackPoolsAccount } from './kwok.js';

const h = new Harness();
let t: Tenant;
let pool: { id: string };
let server: Server;
let baseUrl: string;

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}
const deliveries: Delivery[] = [];
/** Path → how many first attempts answer 500 (Infinity: always). */
const failures = new Map<string, number>();

function deliveredTo(path: string): Delivery[] {
  return deliveries.filter((d) => d.path === path);
}

async function notificationRows(serviceId: string) {
  const rows: { event: string; status: string; attempts: number; last_error: string | null }[] =
    await h.db.query(
      `SELECT event, status, attempts, last_error FROM "${h.schema}".service_notifications
        WHERE service_id = $1 ORDER BY created_at`,
      [serviceId],
    );
  return rows;
}

async function deployWithTopic(topic: string, events: string[]): Promise<string> {
  const res = await h.request(
    'POST',
    `/v1/${t.projectId}/services`,
    t.token,
    deployBody(pool.id, { event_notification: { enabled: true, topic, events } }),
  );
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json<{ service_id: string }>().service_id;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const seen = deliveredTo(path).length;
      const status = seen < (failures.get(path) ?? 0) ? 500 : 200;
      deliveries.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        status,
      });
      res.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await h.start({ NOTIFICATION_MAX_ATTEMPTS: '5', SERVICE_EVENTS_PURGE_EVERY_MS: '1000' });
  t = await h.tenant({ accountId: await stackPoolsAccount() });
  pool = await createPool(h, t, 'pool-a');
});

afterAll(async () => {
  await h.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('webhook notifications', () => {
  it('POSTs each subscribed event, signed with X-MaaS-Signature', async () => {
    const id = await deployWithTopic(`${baseUrl}/ok`, ['Running', 'Terminated']);
    await h.observe(id, { type: 'admitted' }); // Deploying: not subscribed
    await h.observe(id, { type: 'all_ready' }); // Running
    const [first] = await eventually(() => {
      const got = deliveredTo('/ok');
      if (got.length !== 1) throw new Error(`${got.length} deliveries`);
      return got;
    });
    const signature = first.headers['x-maas-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(WEBHOOK_SECRET, first.body, signature)).toBe(true);
    expect(verifySignature('another-secret-of-sufficient-size', first.body, signature)).toBe(false);
    const body = JSON.parse(first.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      topic: `${baseUrl}/ok`,
      event: 'Running',
      state: 'running',
      reason: 'Deployed',
      service: { id, project_id: t.projectId },
    });
    expect(new Date(body.occurred_at as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(first.headers['x-maas-notification-id']).toBe(body.notification_id);

    await h.request('PUT', `/v1/${t.projectId}/services/${id}`, t.token, { status: 'stopped' });
    await h.observe(id, { type: 'pods_gone' }); // Terminated
    await eventually(() => deliveredTo('/ok').length === 2);
    expect(JSON.parse(deliveredTo('/ok')[1].body)).toMatchObject({
      event: 'Terminated',
      state: 'stopped',
    });
    await eventually(async () =>
      (await notificationRows(id)).every((r) => r.status === 'delivered' && r.attempts === 1),
    );
    expect((await notificationRows(id)).map((r) => r.event)).toEqual(['Running', 'Terminated']);
  });

  it('retries a failing webhook with back-off until it answers 200', async () => {
    failures.set('/flaky', 3);
    const id = await deployWithTopic(`${baseUrl}/flaky`, ['Failed']);
    await h.observe(id, { type: 'admitted' });
    const failed = await h.observe(id, { type: 'failed', reason: 'crash loop: CrashLoopBackOff' });
    // The lifecycle did not wait for the webhook.
    expect(failed.service.state).toBe('deployment_failed');
    await eventually(async () => (await notificationRows(id))[0]?.status === 'delivered', {
      timeoutMs: 20_000,
      description: 'the delivery after three failures',
    });
    const [row] = await notificationRows(id);
    expect(row).toMatchObject({ event: 'Failed', attempts: 4, last_error: null });
    const attempts = deliveredTo('/flaky');
    expect(attempts.map((d) => d.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(attempts.map((d) => d.headers['x-maas-notification-id'])).size).toBe(1);
  });

  it('gives up after the last attempt; the service is unaffected', async () => {
    failures.set('/down', Infinity);
    const id = await deployWithTopic(`${baseUrl}/down`, ['Failed']);
    await h.observe(id, { type: 'admitted' });
    await h.observe(id, { type: 'failed', reason: 'unschedulable' });
    const start = await h.request('PUT', `/v1/${t.projectId}/services/${id}`, t.token, {
      status: 'running',
    });
    expect(start.statusCode).toBe(200);
    await eventually(async () => (await notificationRows(id))[0]?.status === 'failed', {
      timeoutMs: 20_000,
      description: 'the notification to be given up',
    });
    const [row] = await notificationRows(id);
    expect(row.attempts).toBe(5);
    expect(row.last_error).toContain('HTTP 500');
    expect(deliveredTo('/down')).toHaveLength(5);
  });
});

describe('Kafka topic notifications', () => {
  it('publishes a ServiceNotification to the subscriber topic (created on first use)', async () => {
    const topic = `alerts-${randomUUID().slice(0, 8)}`;
    const physical = `${h.prefix}${topic}`;
    const id = await deployWithTopic(topic, ['Running']);
    await h.observe(id, { type: 'admitted' });
    await h.observe(id, { type: 'all_ready' });
    await eventually(async () => (await notificationRows(id))[0]?.status === 'delivered', {
      timeoutMs: 20_000,
    });
    const received: ServiceNotification[] = [];
    const consumer = h.kafka.consumer({
      groupId: `${h.prefix}notif-${randomUUID()}`,
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: physical, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        expect(message.key?.toString()).toBe(id);
        received.push(parseEvent(message.value!).payload as ServiceNotification);
        return Promise.resolve();
      },
    });
    try {
      await eventually(() => received.length === 1, { timeoutMs: 20_000 });
      expect(received[0].$typeName).toBe(ServiceNotificationSchema.typeName);
      expect(received[0]).toMatchObject({
        serviceId: id,
        topic,
        event: 'Running',
        state: ServiceState.RUNNING,
        reason: 'Deployed',
      });
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('retention', () => {
  it('the scheduled job purges service events and notifications older than one month', async () => {
    const serviceId = randomUUID();
    const day = 86_400_000;
    const insert = (version: number, ageDays: number) =>
      h.db.query(
        `INSERT INTO "${h.schema}".service_events
           (event_id, service_id, account_id, project_id, version, reason, message, from_state, to_state, occurred_at)
         VALUES ($1, $2, $3, $4, $5, 'Queued', 'm', NULL, 'queuing', $6)`,
        [
          randomUUID(),
          serviceId,
          t.accountId,
          t.projectId,
          version,
          new Date(Date.now() - ageDays * day),
        ],
      );
    await insert(1, 45);
    await insert(2, 31);
    await insert(3, 29);
    await insert(4, 0);
    await h.db.query(
      `INSERT INTO "${h.schema}".service_notifications
         (id, service_id, account_id, project_id, service_name, topic, event, state, reason, message, occurred_at, status, created_at)
       VALUES ($1, $2, $3, $4, 'old', 't', 'Running', 'running', 'Deployed', 'm', $5, 'delivered', $5)`,
      [randomUUID(), serviceId, t.accountId, t.projectId, new Date(Date.now() - 40 * day)],
    );
    const versions = async () =>
      (
        await h.db.query<{ version: number }[]>(
          `SELECT version FROM "${h.schema}".service_events WHERE service_id = $1 ORDER BY version`,
          [serviceId],
        )
      ).map((r) => r.version);
    const notifications = async () =>
      (
        await h.db.query<unknown[]>(
          `SELECT 1 FROM "${h.schema}".service_notifications WHERE service_id = $1`,
          [serviceId],
        )
      ).length;
    // The job deletes events, then notifications (two statements): wait for both.
    await eventually(async () => (await versions()).length === 2 && (await notifications()) === 0, {
      timeoutMs: 20_000,
      description: 'the purge job to run',
    });
    expect(await versions()).toEqual([3, 4]);
  });
});
