import { Writable } from 'node:stream';
import { Logger as NestLogger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFastifyAdapter, Logger, ObservabilityModule } from '@maas/observability';
import { eventsLogger } from './events-logger.js';

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
    done();
  },
});

let close: () => Promise<void> = () => Promise.resolve();

beforeAll(async () => {
  @Module({ imports: [ObservabilityModule.forRoot({ service: 'keys', destination })] })
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

describe('eventsLogger', () => {
  it('logs through the app logger at the matching level, with the context and message', () => {
    const warn = vi.spyOn(NestLogger.prototype, 'warn');
    eventsLogger('OutboxRelay').warn({ batch: 3 }, 'cannot publish');
    expect(warn).toHaveBeenCalledWith({ msg: 'cannot publish', batch: 3 });
    warn.mockRestore();
  });

  it("logs the events lib's string err as one message, masked, not one field per character", () => {
    eventsLogger('OutboxRelay').warn(
      { err: 'KafkaJSConnectionError: kafka://u:hunter2@k:9092 refused', retryInMs: 5 },
      'cannot connect',
    );
    const line = lines.find((l) => l.msg === 'cannot connect')!;
    expect(line).toMatchObject({ level: 'warn', context: 'OutboxRelay', retryInMs: 5 });
    expect(line.err).toEqual({
      message: 'KafkaJSConnectionError: kafka://u:[redacted]@k:9092 refused',
    });
    expect(JSON.stringify(line)).not.toContain('hunter2');
  });

  it('keeps an Error an error, with its stack', () => {
    eventsLogger('Kafka').error({ err: new Error('broker down') }, 'crashed');
    const line = lines.find((l) => l.msg === 'crashed')!;
    expect(line.err).toMatchObject({ type: 'Error', message: 'broker down' });
  });
});
