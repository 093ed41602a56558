// Reads Vitest JSON reports (one per run) and prints their sums, "passed failed skipped", for
// the closing line.
// A file that failed without a failing test (a broken beforeAll/afterAll, or a file that did
// not load) counts as failed: its tests, reported as skipped by Vitest, count as failed (at
// least one), so a broken setup can never pass as "skipped".
import { readFileSync } from 'node:fs';

const files = process.argv
  .slice(2)
  .flatMap((path) => JSON.parse(readFileSync(path, 'utf8')).testResults ?? []);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const tests = file.assertionResults ?? [];
  const count = (status) => tests.filter((t) => t.status === status).length;
  const notRun = count('skipped') + count('pending') + count('todo');
  passed += count('passed');
  failed += count('failed');
  if (file.status === 'failed' && count('failed') === 0) {
    failed += Math.max(1, notRun);
    console.error(
      `setup or load failure: ${file.name}: ${String(file.message ?? '').slice(0, 300)}`,
    );
  } else {
    skipped += notRun;
  }
}
console.log(passed, failed, skipped);
