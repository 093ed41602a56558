import { describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('returns the first truthy value once the condition holds', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return calls;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('treats false as not yet', async () => {
    let calls = 0;
    await eventually(() => ++calls >= 2, { intervalMs: 1 });
    expect(calls).toBe(2);
  });

  // Each falsy result means "not yet": the callback is called again, and the first truthy
  // result is the answer. An assertion block that forgot to return can never pass.
  const falsy: ReadonlyArray<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['false', false],
    ['0', 0],
    ['-0', -0],
    ['NaN', Number.NaN],
    ["''", ''],
    ['0n', 0n],
  ];
  it.each(falsy)('keeps polling while the callback returns %s', async (_name, value) => {
    let calls = 0;
    const result = await eventually(
      (): unknown => {
        calls += 1;
        return calls < 4 ? value : 'done';
      },
      { intervalMs: 1 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(4);
  });

  it.each(falsy)('times out when the callback only ever returns %s', async (name, value) => {
    let calls = 0;
    await expect(
      eventually(
        (): unknown => {
          calls += 1;
          return value;
        },
        { timeoutMs: 30, intervalMs: 5, description: 'a truthy value' },
      ),
    ).rejects.toThrow(`waiting for a truthy value: the condition returned ${name}`);
    expect(calls).toBeGreaterThan(1);
  });

  it('times out on an assertion block that returns nothing', async () => {
    let checks = 0;
    const assertionOnly = async (): Promise<void> => {
      checks += 1;
      await Promise.resolve();
      expect(checks).toBeGreaterThan(0); // always holds, yet nothing was returned
    };
    // The compiler refuses it (the typecheck proves that), and so does the run-time check.
    // @ts-expect-error the callback must return a truthy value
    await expect(eventually(assertionOnly, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /the condition returned undefined, not a truthy value/,
    );
  });

  it('returns the truthy value a promise resolves to', async () => {
    const row = { id: 'svc-1' };
    await expect(eventually(() => Promise.resolve(row))).resolves.toBe(row);
  });

  it('fails after the deadline with the last error and the description', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('still broken');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the thing' },
      ),
    ).rejects.toThrow(/timed out after 30 ms waiting for the thing: still broken/);
  });
});
