export interface EventuallyOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/** The results `eventually` reads as "not yet". */
export type Falsy = false | 0 | 0n | '' | null | undefined;

/** What a successful `eventually` resolves to: the callback's result, minus the falsy values. */
export type Truthy<T> = Exclude<T, Falsy | void>;

/**
 * A callback whose result can never be truthy (an assertion block that returns nothing,
 * `() => undefined`, `() => false`) would poll until the deadline whatever happens; the
 * compiler rejects it with this message instead, so the caller returns what it waited for.
 */
type MustReturnTruthy<T> = [T] extends [never]
  ? unknown // a callback that only throws: a test of the deadline itself
  : [T] extends [Falsy | void]
    ? 'eventually: the callback must return a truthy value (what it waited for, or true)'
    : unknown;

/**
 * Polls `fn` until it returns a truthy value, or the deadline passes; then rethrows the last
 * failure. A throw (a failed `expect`) and a falsy result (`undefined`, `null`, `false`, `0`,
 * `''`) both mean "not yet": success is only ever an explicit truthy result, so a callback
 * that forgot to return, or a condition that stayed false, can never pass by accident. This
 * is how tests wait for an asynchronous effect: a condition with a deadline, never a fixed
 * sleep.
 */
export async function eventually<T>(
  fn: (() => T | PromiseLike<T>) & MustReturnTruthy<T>,
  { timeoutMs = 10_000, intervalMs = 50, description }: EventuallyOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as Truthy<T>;
      lastError = new Error(`the condition returned ${describe(value)}, not a truthy value`);
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = description ? ` waiting for ${description}` : '';
      const cause = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`timed out after ${timeoutMs} ms${what}: ${cause}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function describe(value: unknown): string {
  if (value === '') return "''";
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
