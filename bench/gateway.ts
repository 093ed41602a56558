// Gateway benchmark: the inference gateway next to calling the upstream directly and next to
// Portkey's open-source gateway, in one run, on one machine, with one load generator.
//
// Targets, each in front of the same upstream:
//   direct   — the upstream itself;
//   gateway  — services/gateway as a real process (started from source, as its integration
//              tests start it), fed by real Kafka events: a real API key (HMAC check against
//              the key projection), a generous RPM/TPM policy on the key and a QPS on the
//              service (nothing is refused, but the Redis limiter admits and settles every
//              call), usage events published to maas.usage.v1, access logs on (info), a real
//              EndpointSlice on the kube-apiserver whose address ENDPOINT_OVERRIDE maps to the
//              upstream;
//   portkey  — @portkey-ai/gateway (npm), `x-portkey-provider: openai` and
//              `x-portkey-custom-host: <upstream>/v1`.
// Upstreams: the stack's vLLM simulator (127.0.0.1:18000, `sim-model`: realistic, but itself
// the ceiling) and a fixed-response upstream (bench/gateway/fixed-upstream.ts: next to no
// cost, so a gateway's own ceiling shows).
// Cells: non-streaming and streaming chat completions × 10 and 64 connections; each target
// gets a warm-up, then a measured run: answers/s, p50/p99 latency (to the last byte), the
// latency added over direct, and the proxy process's CPU (% of one core, CPU ms per answer)
// and RSS from /proc. The three targets of a cell run back to back, so a burst of load from
// elsewhere on the machine hits the reference and the gateway alike.
//
// Run: npm run bench:gateway  (the local stack up). Bounded: BENCH_SECONDS (10) measured and
// BENCH_WARMUP_SECONDS (2) of warm-up per target and cell, 24 cells ≈ 5 minutes in all;
// BENCH_CONNECTIONS (10,64), BENCH_UPSTREAMS (sim,fixed) to change the grid;
// BENCH_GATEWAY_CPU_PROF=<dir> to profile the gateway (node --cpu-prof). 127.0.0.1 only.
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topic, topicName } from '@maas/events';
import { eventually } from '@maas/testing';
import { type ChildGateway } from '../services/gateway/test/support/child-gateway.js';
import { GatewayWorld, SIMULATORS } from '../services/gateway/test/support/world.js';
import { load, type Measured, type Target } from './gateway/load.js';
import { childPid, CpuWindow, loadAverage, machine, memory } from './gateway/proc.js';
import { type Child, startFixedUpstream, startPortkey } from './gateway/processes.js';
import { report, tableLines, type Cell, type Row } from './gateway/report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const IDLE_SECONDS = 5;
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,64').split(',').map(Number);
const UPSTREAMS = (process.env.BENCH_UPSTREAMS ?? 'sim,fixed').split(',');
/** Generous limits: every call goes through the limiter, none is refused. */
const KEY_RPM = 1_000_000_000;
const KEY_TPM = 4_000_000_000;
const SERVICE_QPS = 1_000_000;
const DUMMY_KEY = 'Bearer sk-bench-not-checked';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Upstream {
  name: 'sim' | 'fixed';
  label: string;
  origin: string;
  model: string;
}

interface Setup {
  upstreams: Upstream[];
  gateway: ChildGateway;
  gatewayPid: number;
  secret: string;
  portkey: Child;
}

function body(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: 5,
    ...(stream ? { stream: true } : {}),
  });
}

function targets(setup: Setup, upstream: Upstream, stream: boolean): Record<Row['target'], Target> {
  const path = '/v1/chat/completions';
  const payload = body(upstream.model, stream);
  return {
    direct: {
      url: `${upstream.origin}${path}`,
      headers: { authorization: DUMMY_KEY },
      body: payload,
    },
    gateway: {
      url: `${setup.gateway.url}${path}`,
      headers: { authorization: `Bearer ${setup.secret}` },
      body: payload,
    },
    portkey: {
      url: `${setup.portkey.url}${path}`,
      headers: {
        authorization: DUMMY_KEY,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstream.origin}/v1`,
      },
      body: payload,
    },
  };
}

/** One call through each target must succeed before anything is measured. */
async function preflight(setup: Setup): Promise<void> {
  const calls = setup.upstreams.flatMap((upstream) =>
    [false, true].flatMap((stream) =>
      Object.entries(targets(setup, upstream, stream)).map(([name, target]) => ({
        what: `${name} → ${upstream.name} (stream ${stream})`,
        gateway: name === 'gateway',
        stream,
        target,
      })),
    ),
  );
  for (const call of calls) {
    await eventually(() => check(call.target, call.stream, call.gateway), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: call.what,
    });
  }
}

async function check(target: Target, stream: boolean, gateway: boolean): Promise<boolean> {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  if (!text.includes(stream ? 'data: [DONE]' : '"choices"'))
    throw new Error(`odd answer: ${text.slice(0, 300)}`);
  // The limiter ran: the gateway answers admitted calls with x-ratelimit-* headers.
  if (gateway && !res.headers.get('x-ratelimit-limit-requests')) {
    throw new Error('no x-ratelimit-limit-requests header: the limiter did not run');
  }
  return true;
}

async function measureTarget(
  target: Target,
  pid: number | undefined,
  connections: number,
): Promise<{
  measured: Measured;
  warmupOk: number;
  cpuPercent?: number;
  cpuMsPerAnswer?: number;
  rssMiB?: number;
}> {
  const warmupOk = (await load(target, connections, WARMUP)).ok;
  if (pid) alive(pid);
  const window = pid ? new CpuWindow(pid) : undefined;
  const measured = await load(target, connections, SECONDS);
  if (!window || !pid) return { measured, warmupOk };
  alive(pid);
  const cpu = window.end();
  return {
    measured,
    warmupOk,
    cpuPercent: cpu.percent,
    cpuMsPerAnswer: measured.ok > 0 ? (1000 * cpu.cpuSeconds) / measured.ok : NaN,
    rssMiB: memory(pid).rssMiB,
  };
}

/** The proxy under test must still be running: anything else would measure refusals. */
function alive(pid: number): void {
  if (!existsSync(`/proc/${pid}`)) {
    throw new Error(
      `the process under test (pid ${pid}) is gone: it stopped or was stopped from outside the benchmark`,
    );
  }
}

/** The grid of cells: upstream × non-stream/stream × connections. */
function grid(setup: Setup): { upstream: Upstream; stream: boolean; connections: number }[] {
  return setup.upstreams.flatMap((upstream) =>
    [false, true].flatMap((stream) =>
      CONNECTIONS.map((connections) => ({ upstream, stream, connections })),
    ),
  );
}

/** Measures every cell into `cells` (kept by the caller: a failed run still shows what it got). */
async function measureAll(
  setup: Setup,
  cells: Cell[],
  idle: { gateway: number; portkey: number },
): Promise<{ gatewayAnswers: number }> {
  let gatewayAnswers = 0;
  const pids = { direct: undefined, gateway: setup.gatewayPid, portkey: setup.portkey.pid };
  for (const { upstream, stream, connections } of grid(setup)) {
    const all = targets(setup, upstream, stream);
    const cell: Cell = {
      upstream: upstream.label,
      stream,
      connections,
      load: loadAverage(),
      rows: [],
    };
    for (const target of ['direct', 'gateway', 'portkey'] as const) {
      log(`${upstream.name} stream=${stream} c=${connections} ${target}`);
      const result = await measureTarget(all[target], pids[target], connections);
      if (target === 'gateway') gatewayAnswers += result.warmupOk + result.measured.ok;
      const idlePercent = target === 'direct' ? undefined : idle[target];
      cell.rows.push({ target, ...result, idlePercent });
    }
    cells.push(cell);
  }
  return { gatewayAnswers };
}

/** Usage events the gateway published on its maas.usage.v1 topic (all partitions). */
async function usageEvents(world: GatewayWorld): Promise<number> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topicName(Topic.Usage, world.prefix));
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const world = new GatewayWorld();
  const children: Child[] = [];
  const cells: Cell[] = [];
  let gateway: ChildGateway | undefined;
  try {
    log('starting the fixed-response upstream and Portkey');
    const fixed = await startFixedUpstream();
    children.push(fixed);
    const portkey = await startPortkey();
    children.push(portkey);
    const all: Upstream[] = [
      { name: 'sim', label: 'simulator', origin: SIMULATORS[0], model: 'sim-model' },
      { name: 'fixed', label: 'fixed', origin: fixed.url, model: 'fixed-model' },
    ];
    const upstreams = all.filter((u) => UPSTREAMS.includes(u.name));

    log('publishing the tenant, key, policy and services; starting the gateway');
    await world.setup();
    const tenant = await world.tenant();
    const key = await world.key(tenant);
    await world.keyPolicy(key, { rpm: KEY_RPM, tpm: KEY_TPM });
    // The served model name is the service's name; the simulator serves `sim-model` only.
    for (const u of upstreams)
      await world.service(tenant, { name: u.model, qps: SERVICE_QPS, origins: [u.origin] });
    // BENCH_GATEWAY_CPU_PROF=<dir>: the gateway writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_GATEWAY_CPU_PROF;
    gateway = await world.gateway(
      'bench-gateway',
      profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {},
    );
    const gatewayPid = childPid('services/gateway/src/main.ts');
    if (!gatewayPid) throw new Error('gateway process not found');
    const setup: Setup = { upstreams, gateway, gatewayPid, secret: key.secret, portkey };

    await preflight(setup);
    const gatewayAtStart = memory(gatewayPid);
    const portkeyAtStart = memory(portkey.pid);
    // Idle cost: what each proxy burns with no traffic (the gateway follows four topics).
    const idle = [new CpuWindow(gatewayPid), new CpuWindow(portkey.pid)];
    await sleep(IDLE_SECONDS * 1000);
    const [gatewayIdle, portkeyIdle] = idle.map((w) => w.end().percent);
    const { gatewayAnswers } = await measureAll(setup, cells, {
      gateway: gatewayIdle,
      portkey: portkeyIdle,
    });
    const gatewayAtEnd = memory(gatewayPid);
    const portkeyAtEnd = memory(portkey.pid);
    // Every answered call through the gateway is one UsageRecorded (batched: wait for them).
    const published = await eventually(
      async () => {
        const n = await usageEvents(world);
        return n >= gatewayAnswers ? n : false;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'usage events' },
    ).catch(() => usageEvents(world));

    process.stdout.write(
      report({
        startedAt,
        host: `${hostname()} (${machine()}), Node ${process.version}`,
        loadAtStart,
        loadAtEnd: loadAverage(),
        seconds: SECONDS,
        warmup: WARMUP,
        request: body('<model>', false),
        cells,
        memory: { gatewayAtStart, gatewayAtEnd, portkeyAtStart, portkeyAtEnd },
        usage: { published, gatewayAnswers },
        idle: { seconds: IDLE_SECONDS, gatewayPercent: gatewayIdle, portkeyPercent: portkeyIdle },
      }),
    );
    rmSync(gateway.logFile, { force: true });
  } catch (error) {
    if (cells.length > 0) {
      process.stdout.write(
        [
          `INCOMPLETE gateway benchmark — ${startedAt.toISOString()} — load average at start ${loadAtStart}, now ${loadAverage()}; the cells measured before it failed:`,
          '',
          ...tableLines(cells),
          '',
        ].join('\n'),
      );
    }
    if (gateway) log(`gateway log kept: ${gateway.logFile}`);
    throw error;
  } finally {
    await world.teardown();
    await Promise.allSettled(children.map((c) => c.stop()));
    for (const c of children) rmSync(c.logFile, { force: true });
    rmSync(`/tmp/maas-gateway-test-usage-${world.prefix}`, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `gateway benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
