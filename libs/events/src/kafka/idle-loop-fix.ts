import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4's RequestQueue re-arms a timer after every check of its pending requests, even
 * with nothing pending and no throttling, with a negative delay (`throttledUntil` is -1): a
 * 1 ms timer loop per broker connection for the life of the client (tulios/kafkajs issues
 * 1556, 1704, 1751; the fixes are unmerged). It costs several % of a core per idle process
 * and, on Node 24, prints a TimeoutNegativeWarning. With nothing pending and no throttle
 * there is nothing to check: push() re-arms the timer when it queues a request, and a
 * completed request checks the queue itself.
 */

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
}

type Schedule = ((this: RequestQueueState) => void) & { maasIdleFix?: true };

const PATCHED_MODULE = 'kafkajs/src/network/requestQueue/index.js';

/** Applies the fix to kafkajs's RequestQueue (once per process); false when its shape is unknown. */
export function fixKafkajsIdleLoop(): boolean {
  let queue: { prototype?: { scheduleCheckPendingRequests?: Schedule } };
  try {
    queue = createRequire(import.meta.url)(PATCHED_MODULE) as typeof queue;
  } catch {
    return false; // another kafkajs layout: leave it alone
  }
  const proto = queue.prototype;
  const original = proto?.scheduleCheckPendingRequests;
  if (!proto || typeof original !== 'function') return false;
  if (original.maasIdleFix) return true;
  const fixed: Schedule = function (this: RequestQueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  fixed.maasIdleFix = true;
  proto.scheduleCheckPendingRequests = fixed;
  return true;
}
