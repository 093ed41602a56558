/** One outbox row as the relay sees it. */
export interface OutboxRecord {
  /** bigserial as a string; defines the publishing order. */
  id: string;
  eventId: string;
  topic: string;
  key: string;
  envelope: Uint8Array;
  attempts: number;
}

/** Where the relay reads unsent records and marks them sent (PostgreSQL: PgOutboxStore). */
export interface OutboxStore {
  /**
   * In one transaction: claims up to `limit` of the oldest unsent records (id order), calls
   * `publish` with them and, only if it resolves, marks exactly those records sent before
   * committing. If `publish` rejects, nothing is marked and the rejection propagates.
   * Resolves to the number of records published, or `null` if another relay instance holds
   * this outbox right now (then nothing was claimed).
   */
  relayBatch(
    limit: number,
    publish: (records: readonly OutboxRecord[]) => Promise<void>,
  ): Promise<number | null>;
  /** Notes a failed attempt on the records (attempts + 1, last_error). Best effort. */
  recordFailure(ids: readonly string[], error: string): Promise<void>;
  /** How many records wait to be published. */
  pendingCount(): Promise<number>;
}

/** Where the relay sends records (Kafka: KafkaOutboxPublisher). */
export interface OutboxPublisher {
  /**
   * Sends the records, each to its topic with its key, and resolves once the broker has
   * acknowledged all of them; records of one key must reach their partition in the given
   * order. Rejects if any may be missing; the relay then sends them all again later.
   */
  publish(records: readonly OutboxRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tells the relay that new records may be waiting (PostgreSQL: LISTEN/NOTIFY). `onWakeUp`
 * gets the notification's payload, or undefined after a reconnect: notifications sent while
 * disconnected are lost, so anything may have changed.
 */
export interface WakeUpSource {
  start(onWakeUp: (payload?: string) => void): Promise<void>;
  stop(): Promise<void>;
}
