// The journey as an end-to-end test: the five services as separate processes (started with
// deploy/local/services.sh up when they are not running), one test case per step of
// journey.ts, in order. A failed step skips the rest (they build on it); the journey cleans up
// after itself either way.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureServices } from './support/env.js';
import { Journey, steps } from './journey.js';

let journey: Journey;
let broken: string | undefined;

beforeAll(async () => {
  await ensureServices((line) => console.log(line));
  journey = new Journey();
  await journey.events.start();
}, 240_000);

afterAll(async () => {
  await journey?.cleanUp();
}, 180_000);

describe('the tenant journey (seed 002 Table 1-1), end to end', () => {
  for (const step of steps) {
    it(step.title, async (ctx) => {
      if (broken) ctx.skip(`an earlier step failed: ${broken}`);
      try {
        await step.run(journey);
      } catch (error) {
        broken = step.title;
        throw error;
      }
    });
  }
});
