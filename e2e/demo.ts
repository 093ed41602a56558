// `npm run demo`: the tenant's journey against the running platform, printed step by step
// with timings (the same steps the e2e test asserts: journey.ts). Needs the stack and the
// services up (bash deploy/up.sh); starts the services if they are not running.
import { ensureServices } from './support/env.js';
import { runJourney, steps, type StepReport } from './journey.js';

const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const t0 = performance.now();

function print(r: StepReport): void {
  const mark = r.error === undefined ? '✓' : '✗';
  const head = `${mark} [${String(r.index).padStart(2)}/${steps.length}] ${r.title}`;
  console.log(`${head} ${dim(`(${(r.ms / 1000).toFixed(2)} s)`)}`);
  const detail = r.error === undefined ? r.detail : errorText(r.error);
  for (const line of (detail ?? '').split('\n').filter(Boolean)) console.log(`      ${dim(line)}`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

console.log('MaaS: the tenant journey, end to end (seed 002 Table 1-1)\n');
await ensureServices((line) => console.log(dim(line)));
const ok = await runJourney(print);
const total = ((performance.now() - t0) / 1000).toFixed(1);
console.log(
  ok ? `\nThe whole journey passed in ${total} s.` : `\nThe journey failed after ${total} s.`,
);
process.exitCode = ok ? 0 : 1;
