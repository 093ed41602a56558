// What the benchmark reads about processes and the machine from /proc: a process's CPU time
// (utime + stime of /proc/<pid>/stat) and memory (VmRSS, VmHWM of /proc/<pid>/status), the
// load average, the CPU model.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident memory now and at its peak (MiB). */
export function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** The CPU and wall time of a stretch of work in a process: % of one core. */
export class CpuWindow {
  private readonly cpu0: number;
  private readonly wall0 = performance.now();

  constructor(private readonly pid: number) {
    this.cpu0 = cpuSeconds(pid);
  }

  end(): { percent: number; cpuSeconds: number } {
    const used = cpuSeconds(this.pid) - this.cpu0;
    const wall = (performance.now() - this.wall0) / 1000;
    return { percent: (100 * used) / wall, cpuSeconds: used };
  }
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export function machine(): string {
  const model = cpus()[0]?.model ?? 'cpu';
  return `${cpus().length} × ${model}`;
}

/** The pid of this process's child whose command line contains `marker`. */
export function childPid(marker: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}
