import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { type NestFastifyApplication, FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HealthModule,
  kafkaCheck,
  kubernetesCheck,
  postgresCheck,
  type ReadinessCheck,
  redisCheck,
} from '../src/index.js';
import { eventually, loadStackEnv, withRoom } from '@maas/testing';

const env = loadStackEnv();

interface IndicatorBody {
  status: string;
  message?: string;
  brokers?: number;
}
interface HealthBody {
  status: string;
  error: Record<string, IndicatorBody>;
  details: Record<string, IndicatorBody>;
}

async function boot(checks: ReadinessCheck[], timeoutMs?: number) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: env.DATABASE_URL, retryAttempts: 0 }),
      HealthModule.forRoot({ checks, timeoutMs }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  return app;
}

/** A TCP server that accepts connections and never says a word: the worst dependency. */
async function silentServer(): Promise<{
  server: Server;
  port: number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { server, port, close };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const { port, close } = await silentServer();
  await close();
  return port;
}

function kubeConfigFor(server: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config;
}

describe('health against the real stack', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await boot([
      postgresCheck(),
      redisCheck({ url: env.REDIS_URL }),
      kafkaCheck({ brokers: env.KAFKA_BROKERS.split(',') }),
      kubernetesCheck({ kubeConfig: env.KUBECONFIG }),
    ]);
  });

  afterAll(() => app?.close());

  it('is live without calling anything', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('reports PostgreSQL, Redis, Kafka and Kubernetes up on /health', async () => {
    const body = await eventually(
      async () => {
        const res = await app.inject({ method: 'GET', url: '/health' });
        const json = res.json<HealthBody>();
        if (res.statusCode !== 200 || json.status !== 'ok')
          throw new Error(`health answered ${res.statusCode}: ${res.body}`);
        return json;
      },
      { timeoutMs: 20_000, description: 'readiness' },
    );
    expect(body.status).toBe('ok');
    for (const key of ['database', 'redis', 'kafka', 'kubernetes']) {
      expect(body.details[key].status).toBe('up');
    }
    expect(body.details.kafka.brokers).toBeGreaterThanOrEqual(1);
  });
});

describe('health with dependencies down', () => {
  let app: NestFastifyApplication;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let closed: number;

  beforeAll(async () => {
    silent = await silentServer();
    closed = await closedPort();
    app = await boot(
      [
        postgresCheck(),
        redisCheck({ url: `redis://127.0.0.1:${closed}` }),
        kafkaCheck({ brokers: [`127.0.0.1:${silent.port}`] }),
        kubernetesCheck({ kubeConfig: kubeConfigFor(`https://127.0.0.1:${silent.port}`) }),
      ],
      500,
    );
  });

  afterAll(async () => {
    await app?.close();
    await silent?.close();
  });

  it('stays ready: readiness needs only the database', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    const body = res.json<HealthBody>();
    expect(Object.keys(body.details)).toEqual(['database']);
  });

  it('reports what is down on /health with 200 (degraded), within the bound', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/health' });
      const elapsed = Date.now() - started;
      expect(res.statusCode).toBe(200);
      const body = res.json<HealthBody>();
      expect(body.status).toBe('degraded');
      expect(body.details.database.status).toBe('up');
      for (const key of ['kafka', 'kubernetes', 'redis']) {
        expect(body.details[key].status).toBe('degraded');
      }
      expect(body.details.kubernetes.message).toMatch(/timeout of 500ms exceeded/);
      // Every check runs in parallel and is bounded by 500 ms (room for a loaded machine).
      expect(elapsed).toBeLessThan(withRoom(500));
    }
  });

  it('answers 503 on both when a dependency readiness needs is down', async () => {
    const strict = await boot(
      [postgresCheck(), redisCheck({ url: `redis://127.0.0.1:${closed}`, readiness: true })],
      500,
    );
    try {
      for (const url of ['/health/ready', '/health']) {
        const res = await strict.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(503);
        expect(Object.keys(res.json<HealthBody>().error)).toEqual(['redis']);
      }
    } finally {
      await strict.close();
    }
  });

  it('stays live', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
  });
});
