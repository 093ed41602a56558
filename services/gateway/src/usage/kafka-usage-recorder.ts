import {
  backoffDelay,
  type BackoffOptions,
  type EventsLogger,
  retryInBackground,
  stderrLogger,
} from '@maas/events';
import { type Registry } from 'prom-client';
import { SpillStore, SpillFullError, type SpillChunk } from './spill-store.js';
import {
  errorMessage,
  pendingUsage,
  type PendingUsage,
  type UsageMessage,
  usageMessage,
  type UsageRecord,
  UsageRecorder,
} from './usage-record.js';
import { UsageMetrics, type UsageRecorderStats } from './usage.metrics.js';
import { type UsageTransport } from './usage-transport.js';

export interface KafkaUsageRecorderOptions {
  transport: UsageTransport;
  /** USAGE_SPILL_DIR: where records Kafka could not take are kept (one subdirectory per process). */
  spillDir: string;
  /** USAGE_SPILL_MAX_BYTES. */
  spillMaxBytes: number;
  /** Size at which a spill segment file is closed and a new one started (default 4 MiB). */
  spillSegmentBytes?: number;
  /** USAGE_BATCH_SIZE: records per send at most. */
  batchSize: number;
  /** USAGE_FLUSH_INTERVAL_MS: how often the buffer is sent (sooner when a batch is full). */
  flushIntervalMs: number;
  /** USAGE_BUFFER_MAX: records held in memory at most; beyond it (spill full too) records are dropped. */
  bufferMax: number;
  /** USAGE_SEND_STALL_MS: a send taking longer counts as an outage: the buffer goes to the spill. */
  sendStallMs: number;
  /** USAGE_SHUTDOWN_TIMEOUT_MS: how long stop() may send before it spills what is left. */
  shutdownTimeoutMs: number;
  /** How often the spill directory is checked for records of stopped processes (default 60 s). */
  adoptIntervalMs?: number;
  /** Pauses between attempts while Kafka fails (default 200 ms doubling up to 5 s). */
  backoff?: BackoffOptions;
  /** The service's Prometheus registry (MetricsService.registry). */
  registry?: Registry;
  logger?: EventsLogger;
}

type Batch =
  | { source: 'memory'; messages: UsageMessage[] }
  | { source: 'spill'; messages: UsageMessage[]; chunk: SpillChunk; end: number };

const DROP_LOG_INTERVAL_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Publishes one UsageRecorded per finished request on maas.usage.v1, off the hot path and
 * without losing records when Kafka is out (SPEC §7, §8):
 *
 * - `record()` only pushes to an in-memory buffer. A timer (every `flushIntervalMs`, or at
 *   once when `batchSize` records wait) sends the buffer in batches, one send at a time,
 *   through an idempotent producer; envelopes are built there, not on the request's path.
 * - A failed send, or one that takes longer than `sendStallMs`, starts an outage: the
 *   batch of that send and everything buffered since goes to the spill (append-only
 *   segment files, fsync'd once per append), and while the outage lasts the buffer is
 *   spilled on every tick (a stalled send that succeeds after all is sent twice: the same
 *   events, counted once). Kafka is retried with back-off; once a send succeeds the spill is replayed,
 *   oldest segment first, each segment deleted once Kafka acknowledged all its records.
 * - Each record's event id is fixed when it is recorded and travels with it (buffer, spill),
 *   so a re-send is the same event: delivery is at least once, and the consumers' inboxes
 *   (quotas' ledger by event id; keys' last-used takes a maximum) count it once.
 * - `stop()` sends what it can within `shutdownTimeoutMs`, then spills the rest; a process
 *   that starts with the same spill directory replays it (also the records of a process
 *   that was killed: its subdirectory is adopted once its pid is gone).
 *
 * Limits: records recorded within the last flush interval before a SIGKILL (or a crash) are
 * lost — they were only in memory; so is the in-memory buffer when the spill directory is
 * full (`spillMaxBytes`) or unwritable AND Kafka is out AND `bufferMax` records wait: new
 * records are then dropped (counted in gateway_usage_dropped_total, logged) rather than
 * slowing or refusing inference.
 */
export class KafkaUsageRecorder extends UsageRecorder {
  private readonly spill: SpillStore;
  private readonly metrics: UsageMetrics;
  private readonly logger: EventsLogger;
  private readonly backoff: BackoffOptions;
  private memory: PendingUsage[] = [];
  /** Built messages Kafka refused that the spill could not take either: sent first. */
  private held: UsageMessage[] = [];
  /** The send in progress; `persisted` once its records (from memory) are in the spill too. */
  private inFlight?: { batch: Batch; since: number; persisted: boolean };
  private replay?: { chunk: SpillChunk; at: number };
  private failures = 0;
  private retryAt = 0;
  private pumping?: Promise<void>;
  private spilling?: Promise<void>;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private timers: NodeJS.Timeout[] = [];
  private readonly preparing = new AbortController();
  private kicked = false;
  private lastDropLog = 0;
  private readonly counts = { sent: 0, spilled: 0, failedSends: 0, dropped: 0 };

  constructor(private readonly options: KafkaUsageRecorderOptions) {
    super();
    this.logger = options.logger ?? stderrLogger;
    this.backoff = options.backoff ?? { minMs: 200, maxMs: 5_000 };
    this.spill = new SpillStore({
      dir: options.spillDir,
      maxBytes: options.spillMaxBytes,
      segmentBytes: options.spillSegmentBytes ?? 4 * 1024 * 1024,
      logger: this.logger,
    });
    this.metrics = new UsageMetrics(options.registry, () => this.stats());
  }

  /** This process's spill directory (under spillDir). */
  get spillDirectory(): string {
    return this.spill.directory;
  }

  stats(): UsageRecorderStats {
    return {
      buffered: this.memory.length + this.held.length,
      spillRecords: this.spill.records,
      spillBytes: this.spill.bytes,
      ...this.counts,
    };
  }

  /**
   * Opens the spill (adopting the records of stopped processes, replayed first) and starts
   * sending. Rejects only when the spill directory cannot be created.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    await this.spill.open();
    this.state = 'running';
    const every = (ms: number, fn: () => void) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.flushIntervalMs, () => this.tick());
    every(this.options.adoptIntervalMs ?? 60_000, () => void this.adoptOrphans());
    this.prepareInBackground();
    this.tick();
  }

  /**
   * The transport's set-up (the topic created) right away rather than at the first call: the
   * usage consumers of other services otherwise back off for long on a fresh install. In the
   * background, retried: readiness never waits for Kafka.
   */
  private prepareInBackground(): void {
    const transport = this.options.transport;
    if (!transport.prepare) return;
    void retryInBackground(() => transport.prepare!(), {
      signal: this.preparing.signal,
      backoff: this.backoff,
      onFailure: (error, retryInMs) =>
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error), retryInMs },
          'cannot prepare the usage topic yet; retrying',
        ),
    });
  }

  /**
   * Takes over the spill of processes that are gone (also done at start and every
   * adoptIntervalMs); resolves with the number of records adopted. Never rejects.
   */
  async adoptOrphans(): Promise<number> {
    try {
      const adopted = await this.spill.adoptOrphans();
      if (adopted > 0) this.kick();
      return adopted;
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'cannot adopt orphaned usage spill');
      return 0;
    }
  }

  record(r: UsageRecord): void {
    try {
      if (this.state === 'stopped') {
        this.recordAfterStop(r);
      } else if (this.memory.length + this.held.length >= this.options.bufferMax) {
        this.drop('buffer_full', 1);
      } else {
        this.memory.push(pendingUsage(r));
        if (this.memory.length >= this.options.batchSize) this.kick();
      }
    } catch (error) {
      this.logger.error({ err: errorMessage(error) }, 'cannot record usage');
    }
  }

  /**
   * Sends what is buffered and spilled for at most shutdownTimeoutMs (not waiting for a
   * Kafka that fails), then writes whatever Kafka has not acknowledged to the spill, for the
   * next process. Call it after the HTTP server drained: later records are spilled one by one.
   */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.preparing.abort();
    for (const timer of this.timers) clearInterval(timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drain(),
      new Promise<void>(
        (resolve) => (timeout = setTimeout(resolve, this.options.shutdownTimeoutMs)),
      ),
    ]);
    clearTimeout(timeout);
    this.state = 'stopped';
    await this.spilling;
    const inFlight =
      this.inFlight?.batch.source === 'memory' && !this.inFlight.persisted
        ? this.inFlight.batch.messages
        : [];
    const left = [...inFlight, ...this.takeHeld(), ...this.build(this.memory.splice(0))];
    let written = 0;
    let failure: unknown;
    try {
      written = await this.spill.append(left);
      this.spilled(written);
    } catch (error) {
      failure = error;
    }
    this.drop('buffer_full', left.length - written, failure);
    await this.spill.close();
    // Closing the producer may hang on a broker that is gone: bounded too.
    await Promise.race([
      this.options.transport.close().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
    ]);
    if (this.spill.records > 0) {
      this.logger.warn(
        { records: this.spill.records, dir: this.spill.directory },
        'usage records left in the spill for the next start',
      );
    }
  }

  /** Sends until nothing is left, or Kafka fails (what is left is then on disk or spilled at stop). */
  private async drain(): Promise<void> {
    for (;;) {
      await this.pumping;
      const left = this.memory.length + this.held.length > 0 || this.spill.pending;
      if (!left || this.failures > 0 || this.state !== 'stopping') return;
      this.pump();
    }
  }

  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.tick();
    });
  }

  private tick(): void {
    if (this.state !== 'running') return;
    const outage = this.failures > 0 || this.stalled();
    const stalledInMemory = this.inFlight?.batch.source === 'memory' && !this.inFlight.persisted;
    const buffered = this.memory.length + this.held.length > 0 || stalledInMemory;
    if (outage && !this.spilling && buffered) {
      this.spilling = this.spillBuffered().finally(() => (this.spilling = undefined));
    }
    if (Date.now() >= this.retryAt) this.pump();
  }

  /**
   * A send takes longer than sendStallMs. Not before Kafka took a first batch: the first
   * send also connects and creates the topic, slow but no sign of an outage.
   */
  private stalled(): boolean {
    if (this.inFlight === undefined || this.counts.sent === 0) return false;
    return Date.now() - this.inFlight.since > this.options.sendStallMs;
  }

  private pump(): void {
    this.pumping ??= this.sendAll()
      .catch((error: unknown) => {
        // The spill could not be read or trimmed: back off as after a failed send.
        this.failures += 1;
        this.retryAt = Date.now() + backoffDelay(this.failures, this.backoff);
        this.logger.error({ err: errorMessage(error) }, 'usage sender failed');
      })
      .finally(() => (this.pumping = undefined));
  }

  /** Sends batch after batch (held, then memory, then the spill) until none is left or a send fails. */
  private async sendAll(): Promise<void> {
    for (let batch = await this.nextBatch(); batch; batch = await this.nextBatch()) {
      const inFlight = { batch, since: Date.now(), persisted: false };
      this.inFlight = inFlight;
      try {
        await this.options.transport.send(batch.messages);
      } catch (error) {
        this.inFlight = undefined;
        await this.failed(batch, error, inFlight.persisted);
        return;
      } finally {
        this.inFlight = undefined;
      }
      await this.delivered(batch);
    }
  }

  private async nextBatch(): Promise<Batch | undefined> {
    if (this.state === 'stopped') return undefined;
    const size = this.options.batchSize;
    if (this.held.length > 0) return { source: 'memory', messages: this.held.splice(0, size) };
    if (this.memory.length > 0) {
      return { source: 'memory', messages: this.build(this.memory.splice(0, size)) };
    }
    if (!this.replay) {
      const chunk = await this.spill.next();
      if (!chunk) return undefined;
      this.replay = { chunk, at: 0 };
    }
    const { chunk, at } = this.replay;
    const end = Math.min(at + size, chunk.messages.length);
    return { source: 'spill', messages: chunk.messages.slice(at, end), chunk, end };
  }

  private async delivered(batch: Batch): Promise<void> {
    if (this.failures > 0) {
      this.logger.info({ failures: this.failures }, 'Kafka takes usage records again');
    }
    this.failures = 0;
    this.retryAt = 0;
    this.counts.sent += batch.messages.length;
    this.metrics.sent.inc(batch.messages.length);
    if (batch.source === 'spill' && this.replay) {
      this.replay.at = batch.end;
      if (batch.end >= batch.chunk.messages.length) {
        this.replay = undefined;
        await this.spill.ack(batch.chunk);
      }
    }
  }

  private async failed(batch: Batch, error: unknown, persisted: boolean): Promise<void> {
    this.failures += 1;
    this.counts.failedSends += 1;
    this.metrics.failedSends.inc();
    const retryInMs = backoffDelay(this.failures, this.backoff);
    this.retryAt = Date.now() + retryInMs;
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.logger.warn(
        {
          err: errorMessage(error),
          failures: this.failures,
          retryInMs,
          records: batch.messages.length,
        },
        'cannot send usage records to Kafka; spilling them to disk until it is back',
      );
    }
    // A batch from the spill stays there (replayed from the same record); one from memory
    // goes to the spill now (unless it went there when it stalled, or stop() took it).
    if (batch.source === 'memory' && !persisted && this.state !== 'stopped') {
      await this.persist(batch.messages);
    }
  }

  /**
   * Spills what is buffered (during an outage), and the records of a stalled send: it may
   * still succeed (then the spilled copy is sent again, the same events, counted once), but
   * until it ends they would be lost with the process.
   */
  private async spillBuffered(): Promise<void> {
    const inFlight = this.inFlight;
    const stalled = inFlight?.batch.source === 'memory' && !inFlight.persisted;
    if (stalled) inFlight.persisted = true;
    await this.persist([
      ...(stalled ? inFlight.batch.messages : []),
      ...this.takeHeld(),
      ...this.build(this.memory.splice(0)),
    ]);
  }

  /** Writes messages to the spill; if it cannot take them, keeps them in memory (bounded). */
  private async persist(messages: UsageMessage[]): Promise<void> {
    if (messages.length === 0) return;
    let written = 0;
    let failure: unknown;
    try {
      written = await this.spill.append(messages);
      this.spilled(written);
    } catch (error) {
      failure = error;
    }
    if (written === messages.length) return;
    const rest = messages.slice(written);
    const room = Math.max(0, this.options.bufferMax - this.memory.length - this.held.length);
    this.held.push(...rest.slice(0, room));
    if (rest.length > room) this.drop('buffer_full', rest.length - room, failure);
    if (
      failure !== undefined &&
      (!(failure instanceof SpillFullError) || this.failures % 20 === 1)
    ) {
      this.logger.error(
        { err: errorMessage(failure), records: rest.length },
        'cannot spill usage records; keeping them in memory',
      );
    }
  }

  private takeHeld(): UsageMessage[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  /** The messages of pending records (a record that cannot be encoded is dropped, logged). */
  private build(records: readonly PendingUsage[]): UsageMessage[] {
    const messages: UsageMessage[] = [];
    for (const pending of records) {
      try {
        messages.push(usageMessage(pending));
      } catch (error) {
        this.drop('invalid', 1, error, pending.record.requestId);
      }
    }
    return messages;
  }

  private recordAfterStop(r: UsageRecord): void {
    const messages = this.build([pendingUsage(r)]);
    try {
      this.spill.appendSync(messages);
      this.spilled(messages.length);
    } catch (error) {
      this.drop('buffer_full', messages.length, error);
    }
  }

  private spilled(n: number): void {
    this.counts.spilled += n;
    this.metrics.spilled.inc(n);
  }

  private drop(
    reason: 'buffer_full' | 'invalid',
    n: number,
    error?: unknown,
    requestId?: string,
  ): void {
    if (n <= 0) return;
    this.counts.dropped += n;
    this.metrics.dropped.inc({ reason }, n);
    const now = Date.now();
    if (reason === 'invalid' || now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.lastDropLog = now;
      this.logger.error(
        {
          reason,
          records: n,
          dropped: this.counts.dropped,
          requestId,
          err: error && errorMessage(error),
        },
        'usage records lost',
      );
    }
  }
}
