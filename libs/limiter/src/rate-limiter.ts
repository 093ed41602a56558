import { Redis, type RedisOptions } from 'ioredis';
import { CHECK_SCRIPT, SETTLE_SCRIPT } from './scripts.js';

// Written in erasable TypeScript only (no enums, no parameter properties), so Node can run
// the sources directly (type stripping): the two-process test spawns such a child.

/** One limit a request is checked against: a counter, its limit per window and the cost. */
export interface LimitRule {
  /** Counter name, e.g. `key:{<key id>}:rpm`; the limiter prepends its key prefix. */
  key: string;
  /** Units allowed per window; a rule with a limit of 0 or less is no limit (skipped). */
  limit: number;
  /** Window length in ms: 60_000 per minute, 1_000 per second. */
  windowMs: number;
  /** Units this request takes: 1 per request, the maximum tokens for a TPM reservation. */
  cost: number;
  /** The caller's label, returned in the outcome (e.g. "rpm", "tpm", "qps"). */
  name?: string;
}

/** Where one rule stands after a check. */
export interface RuleOutcome {
  key: string;
  name?: string;
  limit: number;
  windowMs: number;
  cost: number;
  /** Units used in the current window: after this request if admitted, before it if not. */
  used: number;
  /** Units left in the current window (never negative). */
  remaining: number;
  /** Start and end of the current window (ms since the epoch, Redis's clock). */
  windowStart: number;
  resetAt: number;
  /** resetAt − now. */
  resetInMs: number;
}

/** Units charged to a counter at admission, to settle once the real cost is known. */
export interface Reservation {
  /** Full Redis key of the counter. */
  key: string;
  name?: string;
  windowStart: number;
  cost: number;
}

export interface LimitDecision {
  allowed: boolean;
  /**
   * Why the request was not simply counted: `limit` = a rule would go over its limit
   * (allowed = false); `unavailable` = Redis could not be asked, and `allowed` is what the
   * failure mode says (open: true, closed: false).
   */
  reason?: 'limit' | 'unavailable';
  /** Redis's clock at the check (ms); the local clock when Redis was unavailable. */
  now: number;
  /** One per rule with a limit, in the order given; empty when Redis was unavailable. */
  outcomes: RuleOutcome[];
  /** The first rule that refused the request. */
  denied?: RuleOutcome;
  /** When refused for a limit: how long until the refusing rule's window resets. */
  retryAfterMs?: number;
  /** What was charged (rules with a cost > 0), when admitted. */
  reservations: Reservation[];
  /** The Redis error, when unavailable. */
  error?: string;
}

export interface SettleResult {
  /** False when the reservation's window had passed, or Redis was unavailable. */
  applied: boolean;
  /** The counter's usage after the correction, when applied. */
  used?: number;
  error?: string;
}

/** What to do when Redis cannot answer a check (down, restarting, timed out). */
export type FailureMode = 'open' | 'closed';

export interface RateLimiterOptions {
  /** An ioredis client (see createLimiterRedis for the recommended settings). */
  redis: Redis;
  /** Prepended to every counter name (default `maas:rl:`). */
  keyPrefix?: string;
  /**
   * `open` (default): admit while Redis is unreachable, so a limiter outage does not take
   * inference down; `closed`: refuse (the caller answers 503).
   */
  failureMode?: FailureMode;
  /** Called with every Redis failure (log it, count it). */
  onError?: (error: Error, operation: 'check' | 'settle') => void;
}

interface LimiterCommands {
  maasLimitCheck(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  maasLimitSettle(key: string, windowStart: number, delta: number): Promise<number>;
}

/**
 * Settings for the limiter's own Redis connection: a command fails at once while
 * disconnected (no offline queue) or after `commandTimeoutMs` (a hung Redis never hangs a
 * request), and a command whose reply was lost is not resent after a reconnect, which could
 * count a request twice.
 */
export function limiterRedisOptions(commandTimeoutMs = 250): RedisOptions {
  return {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectionName: 'maas-limiter',
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  };
}

/** A Redis client with limiterRedisOptions; resolves once it is connected. */
export async function createLimiterRedis(url: string, commandTimeoutMs?: number): Promise<Redis> {
  const redis = new Redis(url, { ...limiterRedisOptions(commandTimeoutMs), lazyConnect: true });
  // Failures reach callers through rejected commands; without a listener ioredis prints each.
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

/**
 * An exact, shared rate limiter on Redis: fixed windows (per minute, per second) counted by
 * one Lua script per check, so any number of processes share the counts exactly. A check is
 * all-or-nothing across its rules. See the package README for the guarantees.
 */
export class RateLimiter {
  private readonly redis: Redis;
  private readonly commands: LimiterCommands;
  private readonly prefix: string;
  private readonly failureMode: FailureMode;
  private readonly onError?: (error: Error, operation: 'check' | 'settle') => void;

  constructor(options: RateLimiterOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? 'maas:rl:';
    this.failureMode = options.failureMode ?? 'open';
    this.onError = options.onError;
    // ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT (e.g. after a Redis restart).
    if (!('maasLimitCheck' in this.redis)) {
      this.redis.defineCommand('maasLimitCheck', { lua: CHECK_SCRIPT });
      this.redis.defineCommand('maasLimitSettle', { lua: SETTLE_SCRIPT, numberOfKeys: 1 });
    }
    this.commands = this.redis as unknown as LimiterCommands;
  }

  get mode(): FailureMode {
    return this.failureMode;
  }

  /**
   * Checks a request against `rules` and, if every rule has room, charges each its cost;
   * otherwise charges nothing. Rules with no limit are left out.
   */
  async check(rules: readonly LimitRule[]): Promise<LimitDecision> {
    const active = rules.filter((r) => r.limit > 0);
    for (const rule of active) validate(rule);
    if (active.length === 0)
      return { allowed: true, now: Date.now(), outcomes: [], reservations: [] };
    const keys = active.map((r) => this.prefix + r.key);
    const args = active.flatMap((r) => [r.limit, r.windowMs, r.cost]);
    let reply: number[];
    try {
      reply = await this.commands.maasLimitCheck(keys.length, ...keys, ...args);
    } catch (error) {
      return this.unavailable(error, 'check');
    }
    return decide(active, keys, reply);
  }

  /**
   * Corrects a reservation with the real cost (e.g. the tokens a response really used):
   * refunds the difference, or charges the extra, in the window the reservation was made in.
   * After that window has passed there is nothing to correct.
   */
  async settle(reservation: Reservation, actualCost: number): Promise<SettleResult> {
    if (!Number.isInteger(actualCost) || actualCost < 0) {
      throw new RangeError(`actual cost must be a non-negative integer, got ${actualCost}`);
    }
    const delta = actualCost - reservation.cost;
    if (delta === 0) return { applied: true };
    try {
      const used = await this.commands.maasLimitSettle(
        reservation.key,
        reservation.windowStart,
        delta,
      );
      return used < 0 ? { applied: false } : { applied: true, used };
    } catch (error) {
      const failure = asError(error);
      this.onError?.(failure, 'settle');
      return { applied: false, error: failure.message };
    }
  }

  private unavailable(error: unknown, operation: 'check' | 'settle'): LimitDecision {
    const failure = asError(error);
    this.onError?.(failure, operation);
    return {
      allowed: this.failureMode === 'open',
      reason: 'unavailable',
      now: Date.now(),
      outcomes: [],
      reservations: [],
      error: failure.message,
    };
  }
}

function validate(rule: LimitRule): void {
  if (!Number.isInteger(rule.windowMs) || rule.windowMs <= 0) {
    throw new RangeError(`rule ${rule.key}: windowMs must be a positive integer`);
  }
  if (!Number.isInteger(rule.limit) || !Number.isInteger(rule.cost) || rule.cost < 0) {
    throw new RangeError(`rule ${rule.key}: limit and cost must be integers, cost >= 0`);
  }
}

function decide(
  rules: readonly LimitRule[],
  keys: readonly string[],
  reply: number[],
): LimitDecision {
  const deniedIndex = Number(reply[0]);
  const now = Number(reply[1]);
  const outcomes = rules.map((rule, i): RuleOutcome => {
    const used = Number(reply[2 + i * 2]);
    const windowStart = Number(reply[3 + i * 2]);
    const resetAt = windowStart + rule.windowMs;
    return {
      key: rule.key,
      ...(rule.name === undefined ? {} : { name: rule.name }),
      limit: rule.limit,
      windowMs: rule.windowMs,
      cost: rule.cost,
      used,
      remaining: Math.max(0, rule.limit - used),
      windowStart,
      resetAt,
      resetInMs: Math.max(0, resetAt - now),
    };
  });
  if (deniedIndex > 0) {
    const denied = outcomes[deniedIndex - 1];
    return {
      allowed: false,
      reason: 'limit',
      now,
      outcomes,
      denied,
      retryAfterMs: denied.resetInMs,
      reservations: [],
    };
  }
  const reservations = outcomes
    .map((o, i) => ({ o, key: keys[i] }))
    .filter(({ o }) => o.cost > 0)
    .map(({ o, key }): Reservation => ({
      key,
      ...(o.name === undefined ? {} : { name: o.name }),
      windowStart: o.windowStart,
      cost: o.cost,
    }));
  return { allowed: true, now, outcomes, reservations };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
