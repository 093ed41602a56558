// The reconciler's idle CPU, measured cheaply and repeatably (docs/benchmarks.md, "Reconciler",
// idle). Three commands, so that several trees (before / after a change) can be measured
// alternately against ONE world of running services:
//
//   setup <n>        IAM, a tenant, 50 KWOK nodes, a pool and <n> services POSTed through the
//                    API until running (as bench/reconciler.ts does); the world is written to
//                    $IDLE_WORLD (default /tmp/maas-reconciler-idle.json) and left up.
//   measure <tree> <true|false> [seconds] [profile-dir]
//                    starts <tree>/services/deployments/src/main.ts (RECONCILER=<true|false>)
//                    on the world's schema, waits until it leads and no pass ran for 5 s, then
//                    samples /proc/<pid>/stat (utime + stime) over the window (default 60 s),
//                    without scraping /metrics in it; prints % of one core, the API requests
//                    and passes in the window. A profile dir adds --cpu-prof (written on exit).
//   cleanup          removes the world.
//
// Run with: node --import ./libs/testing/register/ts-register.js bench/reconciler-idle.ts …
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { eventually, loadStackEnv, newSigningKeyPem, withDb } from '@maas/testing';
import { api } from '../e2e/support/http.js';
import { loadAverage, memory } from './gateway/proc.js';
import { Child } from './gateway/processes.js';
import { freePort } from '../services/gateway/test/support/child-gateway.js';
import { Cluster } from './reconciler/cluster.js';
import { apiCalls, callsBetween, cpuMs, passes } from './reconciler/figures.js';
import { samples, startService, total } from './reconciler/processes.js';
import { createPool, createTenant, deployBody, REGION, type Tenant } from './reconciler/tenant.js';

const stack = loadStackEnv();
const WORLD_FILE = process.env.IDLE_WORLD ?? '/tmp/maas-reconciler-idle.json';
const NODES = 50;
const log = (line: string) => process.stderr.write(`[idle] ${line}\n`);

interface World {
  id: string;
  label: string;
  schema: string;
  iamSchema: string;
  prefix: string;
  lease: string;
  npusPerNode: number;
  services: number;
  jwks: string;
}

function deploymentsEnv(w: World, reconciler: boolean, name: string): Record<string, string> {
  return {
    DATABASE_URL: stack.DATABASE_URL,
    DB_SCHEMA: w.schema,
    KAFKA_BROKERS: stack.KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: w.prefix,
    REDIS_URL: stack.REDIS_URL,
    BULLMQ_PREFIX: w.schema,
    KUBECONFIG: stack.KUBECONFIG,
    REGION,
    IAM_JWKS_URL: w.jwks,
    WEBHOOK_SIGNING_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    RECONCILER: String(reconciler),
    RECONCILER_IDENTITY: name,
    RECONCILER_INSTALLATION: w.schema,
    RECONCILER_LEASE_NAME: w.lease,
    // One resync at the term's start, none in the window: idle is what is measured
    // (IDLE_RESYNC_MS: a shorter period, to see what a resync leaves in the seconds after it).
    RECONCILER_RESYNC_MS: process.env.IDLE_RESYNC_MS ?? '3600000',
    DEFAULT_POOL_NPUS: '1000000',
  };
}

async function setup(n: number): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const npusPerNode = Math.max(8, Math.ceil(n / NODES));
  const operatorToken = randomBytes(24).toString('hex');
  const w: World = {
    id,
    label: `idle-${id}`,
    schema: `idle_${id}`,
    iamSchema: `idle_${id}_iam`,
    prefix: `idle_${id}.`,
    lease: `lease-idle-${id}`,
    npusPerNode,
    services: n,
    jwks: '',
  };
  writeFileSync(WORLD_FILE, JSON.stringify(w, null, 2));
  const iam = await startService('idle-iam', 'iam', {
    DATABASE_URL: stack.DATABASE_URL,
    DB_SCHEMA: w.iamSchema,
    KAFKA_BROKERS: stack.KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: w.prefix,
    REGIONS: REGION,
    TOKEN_SIGNING_KEY: newSigningKeyPem(),
    OPERATOR_TOKEN: operatorToken,
    LOG_LEVEL: 'warn',
  });
  w.jwks = `${iam.url}/v3/auth/jwks`;
  writeFileSync(WORLD_FILE, JSON.stringify(w, null, 2));
  const cluster = new Cluster(stack.KUBECONFIG, w.label, NODES, npusPerNode);
  let leader: Child | undefined;
  try {
    const tenant: Tenant = await createTenant(iam, operatorToken, w.label);
    log(`creating ${NODES} KWOK nodes × ${npusPerNode} NPUs`);
    await cluster.createNodes(tenant.accountId);
    leader = await startService('idle-setup', 'deployments', deploymentsEnv(w, true, 'setup'));
    const poolId = await createPool(
      leader,
      tenant,
      w.label,
      cluster.poolNodes,
      NODES * npusPerNode,
    );
    const url = `${leader.url}/v1/${tenant.projectId}/services`;
    for (let created = 0; created < n;) {
      const batch = Math.min(100, n - created);
      await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          api('POST', url, { token: tenant.token, body: deployBody(poolId, created + i) }),
        ),
      );
      created += batch;
      log(`${created} services created`);
    }
    await eventually(
      async () => {
        const res = await api<{ total: number }>('GET', `${url}?status=running&limit=1`, {
          token: tenant.token,
        });
        return res.body.total === n;
      },
      { timeoutMs: 900_000, intervalMs: 1_000, description: `all ${n} services running` },
    );
    log(`all ${n} running; world in ${WORLD_FILE}`);
  } finally {
    await leader?.stop();
    await iam.stop();
  }
}

async function measure(tree: string, reconciler: boolean, seconds: number, profileDir?: string) {
  const w = JSON.parse(readFileSync(WORLD_FILE, 'utf8')) as World;
  const root = resolve(tree);
  const main = join(root, 'services/deployments/src/main.ts');
  const register = join(root, 'libs/testing/register/ts-register.js');
  if (!existsSync(main)) throw new Error(`no ${main}`);
  const name = `idle-${reconciler ? 'leader' : 'baseline'}-${process.pid}`;
  const port = await freePort();
  const logFile = `/tmp/maas-${name}.log`;
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    '--import',
    register,
    main,
  ];
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...deploymentsEnv(w, reconciler, name),
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile);
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  const child = new Child(name, proc, port, logFile);
  try {
    await child.ready('/health/ready');
    if (reconciler) {
      await eventually(async () => (await total(child, 'deployments_reconciler_leader')) === 1, {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: 'leading',
      });
      await eventually(async () => (await passes(child)).count >= w.services, {
        timeoutMs: 300_000,
        intervalMs: 1_000,
        description: 'the first resync passed',
      });
    }
    let last = -1;
    await eventually(
      async () => {
        const { count } = await passes(child);
        const still = count === last;
        last = count;
        return still;
      },
      { timeoutMs: 300_000, intervalMs: 5_000, description: 'no pass for 5 s' },
    );
    await delay(5_000); // GC and JIT after the start settle
    const calls0 = await apiCalls(child);
    const passes0 = await passes(child);
    const load0 = loadAverage();
    const threads0 = threadCpu(child.pid);
    const cpu0 = cpuMs(child);
    const t0 = performance.now();
    // IDLE_SCRAPE=<ms>: scrape /metrics that often in the window (as the full bench does).
    const scrapeMs = Number(process.env.IDLE_SCRAPE ?? 0);
    const until = performance.now() + seconds * 1000;
    // Per second: CPU and passes, as bench/reconciler/window.ts samples (seconds with passes,
    // and the one after, are busy; the rest idle).
    const perSecond: { cpu: number; passes: number; wall: number }[] = [];
    if (scrapeMs > 0) {
      let last = { cpu: cpuMs(child), passes: passes0.count, at: performance.now() };
      while (performance.now() < until) {
        await delay(scrapeMs);
        const now = {
          cpu: cpuMs(child),
          passes: (await passes(child)).count,
          at: performance.now(),
        };
        perSecond.push({
          cpu: now.cpu - last.cpu,
          passes: now.passes - last.passes,
          wall: now.at - last.at,
        });
        last = now;
      }
    } else await delay(seconds * 1000);
    const busy = perSecond.map((x, i) => x.passes > 0 || (i > 0 && perSecond[i - 1].passes > 0));
    const quiet = perSecond.filter((_, i) => !busy[i]);
    const quietCpu = quiet.reduce((a, x) => a + x.cpu, 0);
    const quietWall = quiet.reduce((a, x) => a + x.wall, 0);
    const quietLine =
      perSecond.length > 0
        ? ` quiet-seconds=${quiet.length}/${perSecond.length} quiet-cpu=${((quietCpu / quietWall) * 100).toFixed(2)}%`
        : '';
    const cpu = cpuMs(child) - cpu0;
    const threads = threadsBetween(threadCpu(child.pid), threads0);
    const wall = performance.now() - t0;
    const load1 = loadAverage();
    const calls = callsBetween(await apiCalls(child), calls0);
    const passCount = (await passes(child)).count - passes0.count;
    const byKind = (await samples(child, 'deployments_reconcile_duration_seconds_count'))
      .map((x) => `${x.labels.kind}/${x.labels.outcome} ${x.value}`)
      .join(', ');
    const line = `${new Date().toISOString()} tree=${tree} reconciler=${reconciler} window=${(wall / 1000).toFixed(1)}s cpu=${((cpu / wall) * 100).toFixed(2)}% (${cpu.toFixed(0)} ms)${quietLine} rss=${memory(child.pid).rssMiB.toFixed(0)}MiB passes=${passCount} (since start: ${byKind}) api=${calls.total} (${calls.byKind || 'none'}) load=${load0} → ${load1}; threads ms: ${threads}`;
    process.stdout.write(`${line}\n`);
  } finally {
    await child.stop();
  }
}

/** CPU ms so far per thread name (/proc/<pid>/task/<tid>/stat; names are Node's and V8's). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = tid === String(pid) ? 'main' : comm;
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10); // USER_HZ 100
    } catch {
      // the thread ended
    }
  }
  return out;
}

function threadsBetween(after: Map<string, number>, before: Map<string, number>): string {
  return [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

async function cleanup(): Promise<void> {
  const w = JSON.parse(readFileSync(WORLD_FILE, 'utf8')) as World;
  const cluster = new Cluster(stack.KUBECONFIG, w.label, NODES, w.npusPerNode);
  await cluster.cleanUp(w.schema, [], w.lease);
  await withDb(async (db) => {
    for (const schema of [w.schema, w.iamSchema])
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  log('world removed (Kafka topics with the prefix and Redis keys are left)');
}

const [command, ...rest] = process.argv.slice(2);
const run =
  command === 'setup'
    ? setup(Number(rest[0] ?? 1_000))
    : command === 'measure'
      ? measure(rest[0] ?? '.', rest[1] !== 'false', Number(rest[2] ?? 60), rest[3])
      : command === 'cleanup'
        ? cleanup()
        : Promise.reject(
            new Error('usage: setup <n> | measure <tree> <true|false> [s] [dir] | cleanup'),
          );
run.then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
