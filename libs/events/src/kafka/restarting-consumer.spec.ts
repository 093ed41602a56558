import { eventually } from '@maas/testing';
import { describe, expect, it } from 'vitest';
import { type EventsLogger } from '../logger.js';
import {
  type ConsumerSession,
  type OpenSession,
  RestartingConsumer,
} from './restarting-consumer.js';

const quiet: EventsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An in-memory session: its start fails when told to; `crash()` reports a fatal crash. */
class FakeSession implements ConsumerSession {
  started = false;
  stops = 0;
  constructor(
    private readonly onFatalCrash: (error: unknown) => void,
    private readonly fails: boolean,
    private readonly crashWhileStarting: boolean,
  ) {}

  start(): Promise<void> {
    if (this.fails) return Promise.reject(new Error('broker not there'));
    this.started = true;
    if (this.crashWhileStarting) this.crash();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stops += 1;
    this.started = false;
    return Promise.resolve();
  }

  crash(): void {
    this.onFatalCrash(new Error('Failed to find group coordinator'));
  }
}

/**
 * Opens fake sessions; `plan[i]` says how the i-th start goes ('fail' rejects, 'crash'
 * starts and crashes at once); later ones start fine.
 */
function fakeKafka(plan: ('fail' | 'crash' | 'ok')[] = []) {
  const sessions: FakeSession[] = [];
  const open: OpenSession = (onFatalCrash) => {
    const step = plan[sessions.length] ?? 'ok';
    const session = new FakeSession(onFatalCrash, step === 'fail', step === 'crash');
    sessions.push(session);
    return session;
  };
  return { sessions, open };
}

const fast = { minMs: 1, maxMs: 4 };

/** A consumer on fake sessions that restarts after a 1–4 ms back-off. */
const restarting = (kafka: { open: OpenSession }) =>
  new RestartingConsumer({ name: 'c', open: kafka.open, backoff: fast, logger: quiet });

describe('RestartingConsumer', () => {
  it('starts one session and stops it', async () => {
    const kafka = fakeKafka();
    const consumer = new RestartingConsumer({ name: 'c', open: kafka.open, logger: quiet });
    await consumer.start();
    await consumer.start(); // already started: nothing new
    expect(kafka.sessions).toHaveLength(1);
    expect(kafka.sessions[0].started).toBe(true);
    await consumer.stop();
    expect(kafka.sessions[0].stops).toBe(1);
    expect(consumer.started).toBe(false);
  });

  it('rejects when the first session cannot start, and can be started again', async () => {
    const kafka = fakeKafka(['fail']);
    const consumer = new RestartingConsumer({ name: 'c', open: kafka.open, logger: quiet });
    await expect(consumer.start()).rejects.toThrow('broker not there');
    expect(consumer.started).toBe(false);
    expect(kafka.sessions[0].stops).toBe(1); // disconnected after the failed start
    await consumer.start();
    expect(kafka.sessions[1].started).toBe(true);
    await consumer.stop();
  });

  it('can be started again after a stop, and still replaces a crashed session then', async () => {
    // EventConsumer, TopicReplayConsumer and BatchTopicConsumer keep one for their life.
    const kafka = fakeKafka();
    const consumer = restarting(kafka);
    await consumer.start();
    await consumer.stop();
    await consumer.start();
    expect(kafka.sessions).toHaveLength(2);
    expect(kafka.sessions[1].started).toBe(true);
    kafka.sessions[1].crash();
    await eventually(() => consumer.restarts === 1, { description: 'a restart' });
    expect(kafka.sessions[2].started).toBe(true);
    await consumer.stop();
    expect(consumer.started).toBe(false);
  });

  it('replaces a session that crashed for good with a new one', async () => {
    const kafka = fakeKafka();
    const consumer = restarting(kafka);
    await consumer.start();
    kafka.sessions[0].crash();
    await eventually(() => consumer.restarts === 1, { description: 'a restart' });
    expect(kafka.sessions).toHaveLength(2);
    expect(kafka.sessions[0].stops).toBeGreaterThan(0); // the crashed one is disconnected
    expect(kafka.sessions[1].started).toBe(true);
    // A second crash later is handled the same way.
    kafka.sessions[1].crash();
    await eventually(() => consumer.restarts === 2, { description: 'a second restart' });
    expect(kafka.sessions[2].started).toBe(true);
    await consumer.stop();
    expect(kafka.sessions[2].stops).toBe(1);
  });

  it('keeps trying with back-off while new sessions fail to start or crash at once', async () => {
    const kafka = fakeKafka(['ok', 'fail', 'crash', 'fail']);
    const consumer = restarting(kafka);
    await consumer.start();
    kafka.sessions[0].crash();
    await eventually(() => consumer.restarts === 1, { description: 'a restart that sticks' });
    expect(kafka.sessions).toHaveLength(5);
    expect(kafka.sessions.map((s) => s.started)).toEqual([false, false, false, false, true]);
    await consumer.stop();
  });

  it('ignores a crash reported by a session it already replaced', async () => {
    const kafka = fakeKafka();
    const consumer = restarting(kafka);
    await consumer.start();
    kafka.sessions[0].crash();
    await eventually(() => consumer.restarts === 1, { description: 'a restart' });
    kafka.sessions[0].crash(); // late report of the old session: dropped at once
    expect(kafka.sessions).toHaveLength(2);
    await consumer.stop();
  });

  it('stop ends a restart waiting in its back-off: no new session is opened', async () => {
    const kafka = fakeKafka();
    const consumer = new RestartingConsumer({
      name: 'c',
      open: kafka.open,
      backoff: { minMs: 60_000, maxMs: 60_000 },
      logger: quiet,
    });
    await consumer.start();
    kafka.sessions[0].crash();
    const before = Date.now();
    await consumer.stop();
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(kafka.sessions).toHaveLength(1);
    expect(consumer.restarts).toBe(0);
  });

  it('does not restart after stop', async () => {
    const kafka = fakeKafka();
    const consumer = restarting(kafka);
    await consumer.start();
    await consumer.stop();
    kafka.sessions[0].crash(); // e.g. reported while disconnecting: dropped at once
    expect(kafka.sessions).toHaveLength(1);
  });
});
