import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { fixKafkajsIdleLoop } from './idle-loop-fix.js';

type Queue = {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
};
const RequestQueue = createRequire(import.meta.url)(
  'kafkajs/src/network/requestQueue/index.js',
) as { prototype: { scheduleCheckPendingRequests(this: Queue): void } };

const queues: Queue[] = [];
function queue(pending: unknown[], throttledUntil: number): Queue {
  const q = { pending, throttledUntil, throttleCheckTimeoutId: null };
  queues.push(q);
  return q;
}

afterEach(() => {
  for (const q of queues.splice(0))
    if (q.throttleCheckTimeoutId) clearTimeout(q.throttleCheckTimeoutId);
});

describe('fixKafkajsIdleLoop', () => {
  it('arms no timer when nothing is pending and nothing throttled (the 1 ms idle loop)', () => {
    expect(fixKafkajsIdleLoop()).toBe(true);
    expect(fixKafkajsIdleLoop()).toBe(true); // once per process
    const idle = queue([], -1);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(idle);
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks later when requests are pending or the broker throttles', () => {
    fixKafkajsIdleLoop();
    const waiting = queue([{}], -1);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    const throttled = queue([], Date.now() + 1_000);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
