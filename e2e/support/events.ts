// The journey's view of Kafka: one consumer of a group of its own on every topic, positioned
// at the topics' ends before the journey starts (so it sees exactly what the journey causes,
// without replaying history), decoding each envelope with the published protobuf types and
// keeping the events of the journey's account in arrival order.
import { randomUUID } from 'node:crypto';
import { type Kafka, logLevel, type Consumer } from 'kafkajs';
import { createKafka } from '@maas/events';
import { ALL_TOPICS, parseEvent, topicName, type DecodedEvent } from '@maas/events';
import { eventually } from '@maas/testing';

export interface SeenEvent {
  topic: string;
  partition: number;
  offset: string;
  /** Short type name, e.g. "ServiceStateChanged". */
  type: string;
  event: DecodedEvent;
}

export class EventLog {
  private readonly kafka: Kafka;
  private readonly groupId = `e2e-journey-${randomUUID()}`;
  private readonly consumers: { consumer: Consumer; groupId: string }[] = [];
  private missing: string[] = [];
  private lastTopicCheck = 0;
  private readonly seen: SeenEvent[] = [];
  /** Events that arrived before the account was known. */
  private readonly pending: SeenEvent[] = [];
  private readonly topics: string[];
  private accountId = '';
  private undecodable = 0;

  constructor(brokers: string[], prefix: string) {
    // createKafka: kafkajs with the project's fixes (no idle timer loop, no negative timeouts).
    this.kafka = createKafka({ clientId: 'maas-journey', brokers, logLevel: logLevel.NOTHING });
    this.topics = ALL_TOPICS.map((t) => topicName(t, prefix));
  }

  /** Positions the group at the current end of every topic, then starts consuming. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let existing: string[];
    try {
      const known = new Set(await admin.listTopics());
      existing = this.topics.filter((t) => known.has(t));
      for (const topic of existing) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: this.groupId,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
        });
      }
    } finally {
      await admin.disconnect();
    }
    this.missing = this.topics.filter((t) => !existing.includes(t));
    await this.consume(this.groupId, existing);
  }

  /**
   * A topic its producer has not created yet (maas.usage.v1 before the first call anywhere)
   * is read from its beginning, by a consumer of its own, once it exists.
   */
  private async addMissingTopics(): Promise<void> {
    if (this.missing.length === 0 || Date.now() - this.lastTopicCheck < 1000) return;
    this.lastTopicCheck = Date.now();
    const admin = this.kafka.admin();
    await admin.connect();
    const known = new Set(await admin.listTopics().finally(() => admin.disconnect()));
    const now = this.missing.filter((t) => known.has(t));
    if (now.length === 0) return;
    this.missing = this.missing.filter((t) => !known.has(t));
    await this.consume(`${this.groupId}-late-${this.consumers.length}`, now);
  }

  private async consume(groupId: string, topics: string[]): Promise<void> {
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumers.push({ consumer, groupId });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, partition, message }) => {
        if (message.value) this.add(topic, partition, message.offset, message.value);
        return Promise.resolve();
      },
    });
    await eventually(() => joined, { timeoutMs: 30_000, description: 'the Kafka group joined' });
  }

  /** Only this account's events are kept (the platform's other tenants are none of ours). */
  follow(accountId: string): void {
    this.accountId = accountId;
    const earlier = this.pending.splice(0);
    for (const e of earlier) this.keep(e);
  }

  private add(topic: string, partition: number, offset: string, value: Buffer): void {
    let event: DecodedEvent;
    try {
      event = parseEvent(value);
    } catch {
      this.undecodable += 1;
      return;
    }
    const type = event.type.split('.').at(-1) ?? event.type;
    const seen = { topic, partition, offset, type, event };
    if (!this.accountId) this.pending.push(seen);
    else this.keep(seen);
  }

  private keep(seen: SeenEvent): void {
    if (seen.event.accountId === this.accountId) this.seen.push(seen);
  }

  /** The account's events so far, in arrival order (per partition: the topic's order). */
  events(filter: (e: SeenEvent) => boolean = () => true): SeenEvent[] {
    return this.seen.filter(filter);
  }

  /** Events of one aggregate (the Kafka key: one partition, so in the topic's order). */
  ofAggregate(aggregateId: string, type?: string): SeenEvent[] {
    return this.seen.filter(
      (e) => e.event.aggregateId === aggregateId && (type === undefined || e.type === type),
    );
  }

  async waitFor(
    what: string,
    predicate: (events: SeenEvent[]) => boolean,
    timeoutMs = 30_000,
  ): Promise<void> {
    await eventually(
      async () => {
        await this.addMissingTopics();
        return predicate(this.seen);
      },
      {
        timeoutMs,
        intervalMs: 50,
        description: `${what} on Kafka`,
      },
    );
  }

  get undecodableCount(): number {
    return this.undecodable;
  }

  async stop(): Promise<void> {
    const all = this.consumers.splice(0);
    if (all.length === 0) return;
    await Promise.all(all.map(({ consumer }) => consumer.disconnect()));
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups(all.map((c) => c.groupId)).catch(() => undefined);
    await admin.disconnect();
  }
}
