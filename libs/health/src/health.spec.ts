import { Module } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyAdapter, ObservabilityModule } from '@maas/observability';
import { HealthModule, type Probe, type ReadinessCheck } from './index.js';

/** A dependency the test switches up and down; `hang` never answers. */
class FakeDependency implements Probe {
  state: 'up' | 'down' | 'hang' = 'up';

  ping(signal: AbortSignal): Promise<Record<string, unknown> | void> {
    if (this.state === 'up') return Promise.resolve({ version: 1 });
    if (this.state === 'down') return Promise.reject(new Error('connection refused'));
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  }
}

const database = new FakeDependency();
const kafka = new FakeDependency();
const redis = new FakeDependency();

const checks: ReadinessCheck[] = [
  { name: 'database', create: () => database },
  { name: 'kafka', readiness: false, create: () => kafka },
  { name: 'redis', readiness: false, create: () => redis },
];

@Module({
  imports: [
    ObservabilityModule.forRoot({ service: 'probe', level: 'silent' }),
    HealthModule.forRoot({ checks, timeoutMs: 200 }),
  ],
})
class ProbeModule {}

interface HealthBody {
  status: string;
  details: Record<string, { status: string; readiness?: boolean; message?: string }>;
}

let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
  app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(() => app?.close());

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<HealthBody>(), text: res.body };
}

function set(states: { database?: string; kafka?: string; redis?: string }) {
  database.state = (states.database ?? 'up') as FakeDependency['state'];
  kafka.state = (states.kafka ?? 'up') as FakeDependency['state'];
  redis.state = (states.redis ?? 'up') as FakeDependency['state'];
}

describe('readiness and health', () => {
  it('reports every dependency on /health, only what readiness needs on /health/ready', async () => {
    set({});
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.details)).toEqual(['database']);
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.details).toMatchObject({
      database: { status: 'up', readiness: true, version: 1 },
      kafka: { status: 'up', readiness: false },
      redis: { status: 'up', readiness: false },
    });
  });

  it('stays ready while Kafka and Redis are down; /health says degraded, with 200', async () => {
    set({ kafka: 'down', redis: 'hang' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    const started = performance.now();
    const health = await get('/health');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.details.kafka).toMatchObject({
      status: 'degraded',
      readiness: false,
      message: 'connection refused',
    });
    expect(health.body.details.redis.status).toBe('degraded');
    expect(health.body.details.redis.message).toMatch(/timeout of 200ms exceeded/);
  });

  it('is not ready, and /health answers 503, when its database is down', async () => {
    set({ database: 'down', kafka: 'down' });
    const ready = await get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('error');
    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(health.body.details.database.status).toBe('down');
    expect(health.body.details.kafka.status).toBe('degraded');
  });

  it('shows each dependency as maas_dependency_up, refreshed at every scrape', async () => {
    set({ kafka: 'down' });
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    let text = await scrape();
    expect(text).toContain(
      'maas_dependency_up{dependency="database",readiness="true",service="probe"} 1',
    );
    expect(text).toContain(
      'maas_dependency_up{dependency="kafka",readiness="false",service="probe"} 0',
    );
    set({});
    text = await scrape();
    expect(text).toContain(
      'maas_dependency_up{dependency="kafka",readiness="false",service="probe"} 1',
    );
  });

  it('keeps liveness free of dependency calls', async () => {
    set({ database: 'down', kafka: 'down', redis: 'down' });
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
  });
});
