import { afterEach, describe, expect, it, vi } from 'vitest';
import { stderrLogger } from './logger.js';

describe('stderrLogger (the fallback without an app logger)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const written = () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    return () => JSON.parse(String(write.mock.calls.at(-1)?.[0])) as Record<string, unknown>;
  };

  it('writes an error as its type, message and stack, credentials in URLs masked', () => {
    const last = written();
    stderrLogger.warn(
      { err: new TypeError('cannot reach kafka://u:hunter2@k:9092'), retryInMs: 5 },
      'cannot connect',
    );
    const line = last();
    expect(line).toMatchObject({ level: 'warn', msg: 'cannot connect', retryInMs: 5 });
    expect(line.err).toMatchObject({
      type: 'TypeError',
      message: 'cannot reach kafka://u:[redacted]@k:9092',
    });
    expect((line.err as { stack: string }).stack).toContain('logger.spec.ts');
    expect(JSON.stringify(line)).not.toContain('hunter2');
  });

  it('masks credentials in an err given as a string', () => {
    const last = written();
    stderrLogger.error({ err: 'postgres://maas:s3cret@db/maas refused' }, 'cannot connect');
    expect(last().err).toBe('postgres://maas:[redacted]@db/maas refused');
  });
});
