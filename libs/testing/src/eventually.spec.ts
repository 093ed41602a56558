import { describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('returns the first value once the condition holds', async () => {
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
