// One measurement with the load generator (autocannon, in this process): a fixed number of
// connections, each sending the next request as soon as its answer ended (closed loop), for
// a fixed time. Latency is autocannon's per-request time from sending the request to the last
// byte of the answer (for a stream: the whole stream), kept here as floats: autocannon's own
// histogram has 1 ms resolution, too coarse for the added-latency figure.
import autocannon from 'autocannon';

export interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Measured {
  /** Answers with a 2xx status per second of the run. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  /** Non-2xx answers and errors (connection errors, timeouts). */
  failed: number;
  seconds: number;
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export async function load(
  target: Target,
  connections: number,
  seconds: number,
): Promise<Measured> {
  const samples: number[] = [];
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) samples.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(samples).sort();
  return {
    rps: result['2xx'] / result.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    ok: result['2xx'],
    failed: result.non2xx + result.errors, // errors include timeouts
    seconds: result.duration,
  };
}
