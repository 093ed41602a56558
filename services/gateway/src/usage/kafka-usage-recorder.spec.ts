import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { parseEvent, type UsageRecorded } from '@maas/events';
import { eventually, quiet } from '@maas/testing';
import { KafkaUsageRecorder, type KafkaUsageRecorderOptions } from './kafka-usage-recorder.js';
import { decodeRecords, encodeRecords } from './spill-store.js';
import { pendingUsage, usageMessage, type UsageMessage, type UsageRecord } from './usage-record.js';
import { type UsageTransport } from './usage-transport.js';

const ACCOUNT = '6f1c5b1e-2d1e-4c53-9a57-0c2a8e0f9f10';

/** A transport that acknowledges, refuses, or never answers, as the test says. */
class FakeTransport implements UsageTransport {
  prepare?: () => Promise<void>;
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  readonly delivered: UsageMessage[] = [];
  readonly batches: number[] = [];
  attempts = 0;
  closed = false;
  private hanging: ((ok: boolean) => void)[] = [];

  send(messages: readonly UsageMessage[]): Promise<void> {
    this.attempts += 1;
    if (this.mode === 'fail') return Promise.reject(new Error('broker down'));
    if (this.mode === 'hang') {
      return new Promise((resolve, reject) =>
        this.hanging.push((ok) => {
          if (!ok) return reject(new Error('request timed out'));
          this.take(messages);
          resolve();
        }),
      );
    }
    this.take(messages);
    return Promise.resolve();
  }

  private take(messages: readonly UsageMessage[]): void {
    this.batches.push(messages.length);
    this.delivered.push(...messages);
  }

  /** Ends the hanging sends: acknowledged (ok) or failed. */
  release(ok = false): void {
    for (const end of this.hanging.splice(0)) end(ok);
  }

  close(): Promise<void> {
    this.closed = true;
    this.release();
    return Promise.resolve();
  }

  events(): ReturnType<typeof parseEvent>[] {
    return this.delivered.map((m) => parseEvent(m.value));
  }
}

function usage(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: `req-${i}`,
    accountId: ACCOUNT,
    projectId: 'p1',
    keyId: 'k1',
    serviceId: 's1',
    model: 'sim-model',
    promptTokens: i,
    completionTokens: 2 * i,
    totalTokens: 3 * i,
    presetService: false,
    status: 200,
    latencyMs: 12,
    stream: false,
    finishedAt: new Date('2026-03-01T10:00:00.123Z'),
    ...over,
  };
}

const dirs: string[] = [];
const recorders: KafkaUsageRecorder[] = [];

function spillDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'usage-spec-'));
  dirs.push(dir);
  return dir;
}

function recorder(
  transport: UsageTransport,
  over: Partial<KafkaUsageRecorderOptions> = {},
): KafkaUsageRecorder {
  const r = new KafkaUsageRecorder({
    transport,
    spillDir: over.spillDir ?? spillDir(),
    spillMaxBytes: 64 * 1024 * 1024,
    batchSize: 50,
    flushIntervalMs: 10,
    bufferMax: 10_000,
    sendStallMs: 200,
    shutdownTimeoutMs: 1_000,
    backoff: { minMs: 10, maxMs: 50 },
    logger: quiet,
    ...over,
  });
  recorders.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ids = (t: FakeTransport) => t.events().map((e) => e.eventId);

describe('KafkaUsageRecorder', () => {
  it('prepares the transport (creates the topic) at start, in the background, retried', async () => {
    const transport = new FakeTransport();
    let prepareCalls = 0;
    let prepared = false;
    let hold: (() => void) | undefined;
    transport.prepare = () => {
      prepareCalls += 1;
      if (prepareCalls <= 2) return Promise.reject(new Error('broker not there'));
      return new Promise<void>((resolve) => (hold = resolve)).then(() => void (prepared = true));
    };
    const r = recorder(transport);
    await r.start(); // does not wait for Kafka
    expect(prepared).toBe(false);
    await eventually(() => hold !== undefined);
    expect(prepareCalls).toBe(3);
    hold!();
    await eventually(() => prepared);
  });

  it('stops retrying the preparation on stop', async () => {
    const transport = new FakeTransport();
    let prepareCalls = 0;
    transport.prepare = () => {
      prepareCalls += 1;
      return Promise.reject(new Error('broker not there'));
    };
    const r = recorder(transport);
    await r.start();
    await eventually(() => prepareCalls >= 2);
    await r.stop();
    const after = prepareCalls;
    await new Promise((resolve) => setTimeout(resolve, 150)); // several backoffs (10-50 ms)
    expect(prepareCalls).toBe(after);
  });

  it('sends every record once, in batches, off the caller path, as UsageRecorded envelopes', async () => {
    const transport = new FakeTransport();
    const r = recorder(transport);
    await r.start();
    for (let i = 1; i <= 120; i++) r.record(usage(i, { stream: i % 2 === 0, status: 200 + i }));
    // record() only buffers: nothing has been sent synchronously.
    expect(transport.attempts).toBe(0);
    await eventually(() => transport.delivered.length === 120);
    expect(Math.max(...transport.batches)).toBeLessThanOrEqual(50);
    expect(transport.batches.length).toBeLessThan(120);

    const events = transport.events();
    expect(new Set(ids(transport)).size).toBe(120);
    const first = events.find((e) => e.aggregateId === 'req-7')!;
    expect(first).toMatchObject({
      type: 'maas.usage.v1.UsageRecorded',
      accountId: ACCOUNT,
      projectId: 'p1',
      aggregateType: 'request',
      aggregateId: 'req-7',
      requestId: 'req-7',
      occurredAt: new Date('2026-03-01T10:00:00.123Z'),
    });
    expect(first.payload as UsageRecorded).toMatchObject({
      requestId: 'req-7',
      keyId: 'k1',
      serviceId: 's1',
      model: 'sim-model',
      promptTokens: 7,
      completionTokens: 14,
      totalTokens: 21,
      status: 207,
      latencyMs: 12,
      stream: false,
    });
    expect(transport.delivered.find((m) => m.key === 'req-8')).toBeDefined();
    expect(r.stats()).toMatchObject({ buffered: 0, sent: 120, spilled: 0, dropped: 0 });
  });

  it('spills to disk while the transport fails and replays everything once it is back', async () => {
    const transport = new FakeTransport();
    transport.mode = 'fail';
    const r = recorder(transport);
    await r.start();
    for (let i = 1; i <= 200; i++) r.record(usage(i));
    await eventually(() => r.stats().spillRecords === 200, { description: 'all spilled' });
    expect(readdirSync(r.spillDirectory).some((f) => f.endsWith('.usage'))).toBe(true);
    expect(r.stats().failedSends).toBeGreaterThan(0);
    // More records during the outage go to the spill too.
    for (let i = 201; i <= 250; i++) r.record(usage(i));
    await eventually(() => r.stats().spillRecords === 250);

    transport.mode = 'ok';
    await eventually(() => r.stats().spillRecords === 0, { description: 'the spill replayed' });
    const delivered = ids(transport);
    expect(new Set(delivered).size).toBe(250);
    expect(delivered.length).toBe(250);
    const tokens = transport
      .events()
      .reduce((s, e) => s + (e.payload as UsageRecorded).totalTokens, 0);
    expect(tokens).toBe((3 * 250 * 251) / 2);
    expect(readdirSync(r.spillDirectory).filter((f) => f.endsWith('.usage'))).toEqual([]);
  });

  it('treats a send that takes too long as an outage: its records and the buffer go to the spill', async () => {
    const transport = new FakeTransport();
    const r = recorder(transport, { sendStallMs: 100 });
    await r.start();
    r.record(usage(0)); // Kafka took a first batch: a slow send is a stall from now on
    await eventually(() => transport.delivered.length === 1);
    transport.mode = 'hang';
    for (let i = 1; i <= 30; i++) r.record(usage(i));
    await eventually(() => transport.attempts === 2);
    for (let i = 31; i <= 60; i++) r.record(usage(i));
    // The hanging send's 30 records and the 30 after it are on disk: a kill loses none.
    await eventually(() => r.stats().spillRecords === 60, { description: 'all spilled' });
    transport.mode = 'fail';
    transport.release(false); // the hanging send fails: its records are on disk already
    await eventually(() => r.stats().failedSends >= 1);
    expect(r.stats()).toMatchObject({ spillRecords: 60, spilled: 60 });
    transport.mode = 'ok';
    await eventually(() => r.stats().spillRecords === 0, { description: 'the spill replayed' });
    expect(transport.delivered).toHaveLength(61);
    expect(new Set(ids(transport)).size).toBe(61);
  });

  it('sends the records of a stalled send that succeeds after all once more, as the same events', async () => {
    const transport = new FakeTransport();
    const r = recorder(transport, { sendStallMs: 100 });
    await r.start();
    r.record(usage(0));
    await eventually(() => transport.delivered.length === 1);
    transport.mode = 'hang';
    for (let i = 1; i <= 20; i++) r.record(usage(i));
    await eventually(() => r.stats().spillRecords === 20);
    transport.mode = 'ok';
    transport.release(true);
    await eventually(() => r.stats().spillRecords === 0);
    expect(transport.delivered).toHaveLength(41);
    expect(new Set(ids(transport)).size).toBe(21); // duplicates carry the same event id
  });

  it('on stop spills what Kafka did not take; the next recorder on the directory delivers it with the same ids', async () => {
    const dir = spillDir();
    const down = new FakeTransport();
    down.mode = 'fail';
    const first = recorder(down, { spillDir: dir });
    await first.start();
    for (let i = 1; i <= 40; i++) first.record(usage(i));
    await eventually(() => down.attempts > 0);
    for (let i = 41; i <= 45; i++) first.record(usage(i));
    await first.stop();
    expect(down.closed).toBe(true);
    first.record(usage(46)); // after stop: written to the spill at once
    expect(first.stats().spillRecords).toBe(46);

    const up = new FakeTransport();
    const second = recorder(up, { spillDir: dir });
    await second.start();
    await eventually(() => up.delivered.length === 46 && second.stats().spillRecords === 0);
    expect(new Set(up.delivered.map((m) => m.key)).size).toBe(46);
    expect(readdirSync(dir)).toEqual(
      readdirSync(dir).filter((d) => d === second.spillDirectory.split('/').at(-1)),
    );
  });

  it('replays the records a killed process left, and never the directory of a live recorder', async () => {
    const dir = spillDir();
    // What a killed process leaves: its directory (its pid is gone) with a segment whose
    // last record was torn by the kill.
    const dead = spawnSync('true').pid;
    const orphan = join(dir, `${hostname()}.${dead}.0badc0de`);
    mkdirSync(orphan);
    const messages = [1, 2, 3].map((i) => usageMessage(pendingUsage(usage(i))));
    const bytes = encodeRecords(messages);
    writeFileSync(join(orphan, 'seg-000000000001.usage'), bytes.subarray(0, bytes.length - 5));
    const busy = new FakeTransport();
    busy.mode = 'fail';
    const live = recorder(busy, { spillDir: dir });
    await live.start(); // adopts the orphan (nothing can send yet)
    expect(live.stats().spillRecords).toBe(2);

    const up = new FakeTransport();
    const other = recorder(up, { spillDir: dir });
    await other.start();
    live.record(usage(9));
    await eventually(() => live.stats().spillRecords === 3);
    // The live recorder's directory is not taken over by the other one.
    expect(await other.adoptOrphans()).toBe(0);
    await live.stop();
    // Stopped: its directory (with the adopted records) is replayed by the other recorder.
    expect(await other.adoptOrphans()).toBe(3);
    await eventually(() => up.delivered.length === 3, { description: 'the adopted records' });
    expect(up.delivered.map((m) => m.key).sort()).toEqual(['req-1', 'req-2', 'req-9']);
  });

  it('keeps records in memory when the spill is full and counts what it must drop', async () => {
    const transport = new FakeTransport();
    transport.mode = 'fail';
    const registry = new Registry();
    const r = recorder(transport, {
      spillMaxBytes: 2_000, // about 10 records
      bufferMax: 100,
      registry,
    });
    await r.start();
    for (let i = 1; i <= 100; i++) r.record(usage(i));
    await eventually(() => r.stats().failedSends > 2);
    const { spillRecords, buffered } = r.stats();
    expect(spillRecords).toBeGreaterThan(0);
    expect(spillRecords + buffered).toBe(100);
    // Memory takes records up to bufferMax; the rest is dropped (and counted).
    const room = 100 - buffered;
    for (let i = 101; i <= 200; i++) r.record(usage(i));
    expect(r.stats()).toMatchObject({ buffered: 100, dropped: 100 - room });

    transport.mode = 'ok';
    await eventually(() => transport.delivered.length === 100 + room);
    expect(r.stats()).toMatchObject({ buffered: 0, spillRecords: 0 });
    const text = await registry.metrics();
    expect(text).toContain(`gateway_usage_sent_total ${100 + room}`);
    expect(text).toContain(`gateway_usage_dropped_total{reason="buffer_full"} ${100 - room}`);
    expect(text).toMatch(/gateway_usage_buffered 0/);
  });

  it('never throws from record(): a record that cannot be encoded is dropped and counted', async () => {
    const transport = new FakeTransport();
    const r = recorder(transport);
    await r.start();
    r.record(usage(1, { accountId: '' }));
    r.record(usage(2));
    await eventually(() => transport.delivered.length === 1);
    expect(r.stats().dropped).toBe(1);
  });
});

describe('spill records', () => {
  it('reads back whole records only: a torn end or a bad checksum stops the reading', () => {
    const messages = [1, 2, 3].map((i) => usageMessage(pendingUsage(usage(i))));
    const bytes = encodeRecords(messages);
    expect(decodeRecords(bytes).messages.map((m) => m.key)).toEqual(['req-1', 'req-2', 'req-3']);
    expect(decodeRecords(bytes.subarray(0, bytes.length - 1))).toMatchObject({
      messages: [{ key: 'req-1' }, { key: 'req-2' }],
    });
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 3] ^= 0xff;
    expect(decodeRecords(corrupt).messages).toHaveLength(2);
    expect(Buffer.from(decodeRecords(bytes).messages[0].value)).toEqual(
      Buffer.from(messages[0].value),
    );
  });
});
