import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createFastifyAdapter, Logger, ObservabilityModule } from '@maas/observability';

/** One JSON log line as pino wrote it. */
export type LogLine = Record<string, unknown>;

/** What captureAppLogs hands a test: the lines written so far, and how to stop. */
export interface CapturedLogs {
  /** Every line written so far, parsed. */
  lines(): LogLine[];
  /** The lines with this `msg`. */
  withMsg(msg: string): LogLine[];
  /** Every line as written (to assert that a text never appears). */
  text(): string;
  close(): Promise<void>;
}

/**
 * The app logger of a service (ObservabilityModule: pino with its serializers and redaction)
 * installed as Nest's logger, writing to memory: a unit test runs code that logs through
 * `new Logger(context)` and reads the lines as production would write them.
 */
export async function captureAppLogs(service: string): Promise<CapturedLogs> {
  const written: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  @Module({ imports: [ObservabilityModule.forRoot({ service, destination })] })
  class LoggingModule {}
  const moduleRef = await Test.createTestingModule({ imports: [LoggingModule] }).compile();
  const app = moduleRef.createNestApplication(createFastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  const text = () => written.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);
  return {
    lines,
    withMsg: (msg) => lines().filter((line) => line.msg === msg),
    text,
    close: () => app.close(),
  };
}
