// A gateway-like process for the spill test: records usage while Kafka is unreachable (a
// broker address nobody listens on), says on stdout once every record is on disk, and then
// waits to be killed (SIGKILL: no shutdown hook runs).
//   USAGE_CHILD='{"spillDir": "...", "records": [UsageRecord JSON, ...]}'
import { Kafka, logLevel } from 'kafkajs';
import { quiet } from '@maas/testing';
import { KafkaUsageRecorder, KafkaUsageTransport, type UsageRecord } from '../src/usage/index.js';

interface ChildInput {
  spillDir: string;
  records: (Omit<UsageRecord, 'finishedAt'> & { finishedAt: string })[];
}

const input = JSON.parse(process.env.USAGE_CHILD ?? '{}') as ChildInput;
const kafka = new Kafka({
  clientId: 'usage-spill-child',
  brokers: ['127.0.0.1:1'],
  connectionTimeout: 200,
  retry: { retries: 1, initialRetryTime: 100 },
  logLevel: logLevel.NOTHING,
});
const recorder = new KafkaUsageRecorder({
  transport: new KafkaUsageTransport({ kafka, logger: quiet }),
  spillDir: input.spillDir,
  spillMaxBytes: 64 * 1024 * 1024,
  batchSize: 100,
  flushIntervalMs: 20,
  bufferMax: 100_000,
  sendStallMs: 200,
  shutdownTimeoutMs: 1_000,
  backoff: { minMs: 100, maxMs: 500 },
  logger: quiet,
});
await recorder.start();
for (const r of input.records) recorder.record({ ...r, finishedAt: new Date(r.finishedAt) });
const poll = setInterval(() => {
  if (recorder.stats().spillRecords < input.records.length) return;
  clearInterval(poll);
  process.stdout.write(`spilled ${recorder.stats().spillRecords} ${recorder.spillDirectory}\n`);
}, 20);
setInterval(() => undefined, 60_000); // alive until killed
