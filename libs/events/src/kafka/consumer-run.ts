import {
  type Consumer,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type Kafka,
} from 'kafkajs';

/**
 * Connects a consumer, subscribes and starts its run loop; on any failure disconnects it
 * (best effort) and rethrows, so the caller can simply try again later with a new one.
 */
export async function runConsumer(
  consumer: Consumer,
  subscription: ConsumerSubscribeTopics,
  run: ConsumerRunConfig,
): Promise<void> {
  try {
    await consumer.connect();
    await consumer.subscribe(subscription);
    await consumer.run(run);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}

/** Deletes consumer groups, best effort: an empty group expires on its own anyway. */
export async function deleteGroupsQuietly(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups(groupIds);
  } catch {
    // Best effort (see above).
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
