// A process killed with usage records only in its spill (Kafka was unreachable): a new
// recorder on the same spill directory adopts them and delivers every one to maas.usage.v1.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@maas/testing';
import { newTenant, TS_REGISTER, usageRecord, UsageWorld } from './usage-harness.js';

const CHILD = fileURLToPath(new URL('./usage-spill-child.ts', import.meta.url));
const world = new UsageWorld();

beforeAll(() => world.open(), 120_000);
afterAll(() => world.close(), 120_000);

describe('usage spill', () => {
  it('delivers the records a killed process left in its spill, through a new recorder', async () => {
    const tenant = newTenant();
    const records = Array.from({ length: 120 }, (_, i) => usageRecord(tenant, i));
    const child = spawn(process.execPath, ['--import', TS_REGISTER, CHILD], {
      env: { ...process.env, USAGE_CHILD: JSON.stringify({ spillDir: world.spillRoot, records }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    try {
      await eventually(
        () => {
          if (child.exitCode !== null) throw new Error(`child exited: ${err}`);
          return out.includes('spilled 120');
        },
        { timeoutMs: 60_000, description: 'the child to have spilled every record' },
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const childDir = out.trim().split(' ')[2];
    expect(readdirSync(childDir).some((f) => f.endsWith('.usage'))).toBe(true);

    const recorder = world.recorder();
    await recorder.start(); // adopts the killed process's directory
    await eventually(() => new Set(world.eventsOf(tenant).map((e) => e.eventId)).size === 120, {
      timeoutMs: 60_000,
      description: 'the 120 spilled records on the topic',
    });
    const events = world.eventsOf(tenant);
    expect(new Set(events.map((e) => e.aggregateId))).toEqual(
      new Set(records.map((r) => r.requestId)),
    );
    const total = events.reduce((n, e) => n + e.payload.totalTokens, 0);
    expect(total).toBe(records.reduce((n, r) => n + r.totalTokens, 0));
    await eventually(() => recorder.stats().spillRecords === 0);
    expect(existsSync(childDir)).toBe(false);
  }, 180_000);
});
