// The gateway benchmark's printed report: one table (every cell, the gateway's figures next
// to direct and Portkey from the same cell), the ratios, and the goals as hit/miss.
import { type Measured } from './load.js';

export interface Row {
  target: 'direct' | 'gateway' | 'portkey';
  measured: Measured;
  warmupOk: number;
  /** The proxy process's CPU over the measured run: % of one core. */
  cpuPercent?: number;
  cpuMsPerAnswer?: number;
  /** The process's CPU with no traffic (% of one core), to tell the per-call cost from it. */
  idlePercent?: number;
  rssMiB?: number;
}

export interface Cell {
  upstream: string;
  stream: boolean;
  connections: number;
  /** /proc/loadavg (1, 5, 15 min) when the cell started. */
  load: string;
  rows: Row[];
}

export interface Report {
  startedAt: Date;
  host: string;
  loadAtStart: string;
  loadAtEnd: string;
  seconds: number;
  warmup: number;
  request: string;
  cells: Cell[];
  memory: Record<
    'gatewayAtStart' | 'gatewayAtEnd' | 'portkeyAtStart' | 'portkeyAtEnd',
    { rssMiB: number; peakMiB: number }
  >;
  usage: { published: number; gatewayAnswers: number };
  /** CPU with no traffic, before the first cell (% of one core). */
  idle: { seconds: number; gatewayPercent: number; portkeyPercent: number };
}

const f = (v: number | undefined, digits = 1) =>
  v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);
const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

function rowOf(cell: Cell, target: Row['target']): Row {
  const row = cell.rows.find((r) => r.target === target);
  if (!row) throw new Error(`no ${target} row`);
  return row;
}

function cellName(cell: Cell): string {
  return `${cell.upstream}, ${cell.stream ? 'stream' : 'non-stream'}, c=${cell.connections}`;
}

/** CPU ms per answered call once the process's idle CPU is taken out. */
function aboveIdle(row: Row): number | undefined {
  if (row.cpuPercent === undefined || row.idlePercent === undefined) return undefined;
  return row.measured.rps > 0 ? ((row.cpuPercent - row.idlePercent) * 10) / row.measured.rps : NaN;
}

export function tableLines(cells: Cell[]): string[] {
  const lines = [
    '| upstream | mode | c | target | req/s | p50 ms | p99 ms | added p50 ms | × direct | × Portkey | CPU % of a core | CPU ms/req | CPU ms/req above idle | RSS MiB | failed | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const cell of cells) {
    const direct = rowOf(cell, 'direct').measured;
    const portkey = rowOf(cell, 'portkey').measured;
    for (const row of cell.rows) {
      const m = row.measured;
      const isDirect = row.target === 'direct';
      const name = row.target === 'gateway' ? '**gateway**' : row.target;
      lines.push(
        `| ${cell.upstream} | ${cell.stream ? 'stream' : 'non-stream'} | ${cell.connections} | ${name} | ${f(m.rps, 0)} | ${f(m.p50, 2)} | ${f(m.p99, 2)} | ${isDirect ? '' : f(m.p50 - direct.p50, 2)} | ${isDirect ? '' : f(ratio(m.rps, direct.rps), 2)} | ${row.target === 'gateway' ? f(ratio(m.rps, portkey.rps), 2) : ''} | ${f(row.cpuPercent, 0)} | ${f(row.cpuMsPerAnswer, 3)} | ${f(aboveIdle(row), 3)} | ${f(row.rssMiB, 0)} | ${m.failed} | ${cell.load} |`,
      );
    }
  }
  return lines;
}

interface Check {
  cell: Cell;
  value: number;
  hit: boolean;
}

function goal(title: string, checks: Check[], show: (v: number) => string): string[] {
  const all = checks.length > 0 && checks.every((c) => c.hit);
  return [
    `- ${title}: **${all ? 'HIT' : 'MISS'}**`,
    ...checks.map((c) => `  - ${cellName(c.cell)}: ${show(c.value)} — ${c.hit ? 'hit' : 'miss'}`),
  ];
}

function goalLines(cells: Cell[]): string[] {
  const sim = cells.filter((c) => c.upstream === 'simulator');
  const fixed = cells.filter((c) => c.upstream === 'fixed');
  const gw = (c: Cell) => rowOf(c, 'gateway').measured;
  const throughput = sim.map((cell) => {
    const value = ratio(gw(cell).rps, rowOf(cell, 'direct').measured.rps);
    return { cell, value, hit: value >= 0.9 };
  });
  const added = sim
    .filter((c) => c.connections === 10)
    .map((cell) => {
      const value = gw(cell).p50 - rowOf(cell, 'direct').measured.p50;
      return { cell, value, hit: value <= 1 };
    });
  const vsPortkey = fixed.map((cell) => {
    const value = ratio(gw(cell).rps, rowOf(cell, 'portkey').measured.rps);
    return { cell, value, hit: value >= 3 };
  });
  const lines = [
    'Goals (gateway with key checks, RPM/TPM/QPS limits and usage events all on):',
    ...(sim.length
      ? goal(
          'through the gateway ≥ 0.9 × direct throughput on the simulator',
          throughput,
          (v) => `${v.toFixed(2)} ×`,
        )
      : []),
    ...(sim.length
      ? goal('added latency p50 ≤ 1 ms at c=10 (simulator)', added, (v) => `${v.toFixed(2)} ms`)
      : []),
    ...(fixed.length
      ? goal(
          'fixed-response upstream: ≥ 3 × Portkey throughput',
          vsPortkey,
          (v) => `${v.toFixed(2)} ×`,
        )
      : []),
  ];
  const fixedC10 = fixed.filter((c) => c.connections === 10);
  if (fixedC10.length) {
    lines.push(
      `- for information, added p50 at c=10 on the fixed upstream (the gateway's own cost per call, queueing included): ${fixedC10
        .map(
          (c) =>
            `${c.stream ? 'stream' : 'non-stream'} ${(gw(c).p50 - rowOf(c, 'direct').measured.p50).toFixed(2)} ms (Portkey ${(rowOf(c, 'portkey').measured.p50 - rowOf(c, 'direct').measured.p50).toFixed(2)} ms)`,
        )
        .join(', ')}`,
    );
  }
  return lines;
}

export function report(r: Report): string {
  const m = r.memory;
  const mem = (v: { rssMiB: number; peakMiB: number }) => `${v.rssMiB.toFixed(0)} MiB`;
  const failed = r.cells.flatMap((c) => c.rows).reduce((n, row) => n + row.measured.failed, 0);
  const lines = [
    `gateway benchmark — ${r.startedAt.toISOString()} — ${r.host}`,
    `load average (1/5/15 min): ${r.loadAtStart} at start, ${r.loadAtEnd} at the end; per cell in the table`,
    `each target and cell: ${r.warmup} s warm-up, then ${r.seconds} s measured; autocannon (closed loop, c connections, keep-alive) in the benchmark process; latency = request sent → last byte (a stream: the whole stream)`,
    `request: ${r.request} (streaming: + "stream": true; the client does not ask for usage — the gateway asks the upstream for it and strips it)`,
    '',
    ...tableLines(r.cells),
    '',
    `gateway RSS: ${mem(m.gatewayAtStart)} before the first cell, ${mem(m.gatewayAtEnd)} after the last (peak ${m.gatewayAtEnd.peakMiB.toFixed(0)} MiB); Portkey: ${mem(m.portkeyAtStart)} → ${mem(m.portkeyAtEnd)} (peak ${m.portkeyAtEnd.peakMiB.toFixed(0)} MiB)`,
    `idle CPU (${r.idle.seconds} s without traffic, before the first cell): gateway ${r.idle.gatewayPercent.toFixed(1)} % of a core, Portkey ${r.idle.portkeyPercent.toFixed(1)} %`,
    `usage events published by the gateway: ${r.usage.published} for ${r.usage.gatewayAnswers} answered calls in the cells (plus the preflight calls)`,
    `failed calls (non-2xx, errors, timeouts) in the measured runs: ${failed}`,
    '',
    ...goalLines(r.cells),
    '',
  ];
  return lines.join('\n');
}
