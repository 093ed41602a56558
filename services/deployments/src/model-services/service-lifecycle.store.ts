import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '@maas/errors';
import { OutboxWriter } from '@maas/events';
import {
  type Command,
  type EventReason,
  type Observation,
  type ServiceLifecycle,
  type ServiceState,
  transition,
  type TransitionResult,
} from '../lifecycle/index.js';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';
import { NotificationDispatcher } from '../notifications/notification-dispatcher.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import { ServiceEventsRepository } from '../service-events/service-events.repository.js';
import { type ModelServiceEntity } from './model-service.entity.js';
import { ServiceModifiedError, ServiceNotFoundError } from './model-services.errors.js';
import { ModelServicesRepository } from './model-services.repository.js';
import { LifecycleMetrics } from './lifecycle-metrics.js';
import { changeMessages } from './service-messages.js';
import { NpuClaims } from './npu-claims.port.js';
import { ServiceRemovalHook } from './service-removal.port.js';
import { type AmendedFields, lifecycleOf, rowChanges } from './service-row.js';

export interface ServiceTarget {
  readonly serviceId: string;
  /** The caller's project; absent on the reconciler's internal path. */
  readonly projectId?: string;
  /**
   * Apply only if the service is still at this version (the reconciler passes the version
   * its observation was computed from: a change meanwhile makes it stale, ServiceModifiedError).
   */
  readonly ifVersion?: number;
}

export interface Outcome {
  /** The service after the operation (as it was last, when removed). */
  readonly service: ModelServiceEntity;
  /** False when the input applied but changed nothing (idempotent repeat, level no-op). */
  readonly changed: boolean;
  readonly removed: boolean;
}

/** A change outside the lifecycle (see `amend`): the fields and how its event reads. */
export interface Amendment {
  readonly changes: AmendedFields;
  readonly reason: EventReason;
  readonly message: string;
}

/**
 * The one place a model service's lifecycle is written. Each change runs the state machine
 * (`transition`) on the row as read, then in ONE transaction: the conditional update
 * (`WHERE version = <read version>`: the loser of a race writes nothing and gets
 * ServiceModifiedError), the service event row, the maas.deployments.v1 messages in the
 * outbox, and the notification row when the service subscribed to the event. The
 * notification is handed to its queue after the commit.
 */
@Injectable()
export class ServiceLifecycleStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly services: ModelServicesRepository,
    private readonly events: ServiceEventsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly outbox: OutboxWriter,
    private readonly dispatcher: NotificationDispatcher,
    private readonly metrics: LifecycleMetrics,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
    private readonly removal: ServiceRemovalHook,
    private readonly npuClaims: NpuClaims,
  ) {}

  /** Inserts a new service (version 1) with its creation event. */
  async create(
    row: ModelServiceEntity,
    created: TransitionResult,
    requestId?: string,
  ): Promise<ModelServiceEntity> {
    // Every deploy claims NPUs: it takes its turn before taking a connection (NpuClaims).
    const notificationIds = await this.npuClaims.inTurn(row, () =>
      this.dataSource.transaction(async (manager) => {
        await this.claimNpus(manager, row, { state: row.state, instances: row.instances });
        await this.services.insert(manager, row);
        return this.record(manager, row, created, row.qps, requestId);
      }),
    );
    await this.dispatcher.enqueue(notificationIds);
    return row;
  }

  /** Applies a user command or a reconciler observation to an existing service. */
  async apply(
    target: ServiceTarget,
    input: Command | Observation,
    requestId?: string,
  ): Promise<Outcome> {
    const { outcome, notificationIds } = await this.dataSource
      .transaction(async (manager) => {
        const row = target.projectId
          ? await this.services.find(target.projectId, target.serviceId, manager)
          : await this.services.findById(target.serviceId, manager);
        if (!row) throw new ServiceNotFoundError(target.serviceId);
        if (target.ifVersion !== undefined && row.version !== target.ifVersion)
          throw new ServiceModifiedError(row.id, target.ifVersion);
        const result = transition(lifecycleOf(row), input);
        if (result instanceof DomainError) throw result;
        if (!result.changed)
          return { outcome: { service: row, changed: false, removed: false }, notificationIds: [] };
        if (npusHeld(result.lifecycle, row) > npusHeld(row, row))
          await this.claimNpus(manager, row, result.lifecycle);
        return this.commit(manager, row, result, requestId);
      })
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'conflict')
          this.metrics.conflicts.inc({ code: error.code });
        throw error;
      });
    await this.dispatcher.enqueue(notificationIds);
    return outcome;
  }

  /**
   * A change that is not a lifecycle transition but changes the routing snapshot (e.g.
   * publishing the service as a preset service, SPEC §8), recorded like one with from == to:
   * `version` + 1, a service event, ServiceStateChanged and the ServiceChanged snapshot
   * through the outbox, in one transaction. `decide` sees the row as read in that
   * transaction and returns the amendment, null when there is nothing to change (a repeat
   * changes nothing), or throws a DomainError to refuse.
   */
  async amend(
    serviceId: string,
    decide: (service: ModelServiceEntity) => Amendment | null,
    requestId?: string,
  ): Promise<Outcome> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.services.findById(serviceId, manager);
      if (!row) throw new ServiceNotFoundError(serviceId);
      const amendment = decide(row);
      if (!amendment) return { service: row, changed: false, removed: false };
      if (!(await this.services.amendIfVersion(manager, row.id, row.version, amendment.changes)))
        throw new ServiceModifiedError(row.id, row.version);
      const after: ModelServiceEntity = { ...row, ...amendment.changes, version: row.version + 1 };
      const result: TransitionResult = {
        lifecycle: lifecycleOf(row),
        changed: true,
        event: {
          reason: amendment.reason,
          message: amendment.message,
          from: row.state,
          to: row.state,
        },
        notification: null,
        autoStop: null,
        removed: false,
      };
      await this.record(manager, after, result, row.qps, requestId);
      return { service: after, changed: true, removed: false };
    });
  }

  /** A change that makes the service hold more NPUs goes by the pool_npus quota first. */
  private claimNpus(
    manager: EntityManager,
    row: ModelServiceEntity,
    after: Pick<ServiceLifecycle, 'state' | 'instances'>,
  ): Promise<void> {
    return this.npuClaims.claim(manager, {
      accountId: row.accountId,
      projectId: row.projectId,
      poolId: row.poolId,
      serviceId: row.id,
      npus: npusHeld(after, row),
    });
  }

  private async commit(
    manager: EntityManager,
    row: ModelServiceEntity,
    result: TransitionResult,
    requestId?: string,
  ): Promise<{ outcome: Outcome; notificationIds: string[] }> {
    const changes = rowChanges(row, result, new Date(), this.config.AUTO_STOP_MINUTE_MS);
    // What goes with a removed service (the preset access rows) is read before the row goes.
    const goneWith = result.removed ? await this.removal.removing(manager, row.id, requestId) : [];
    const written = result.removed
      ? await this.services.deleteIfVersion(manager, row.id, row.version)
      : await this.services.updateIfVersion(manager, row.id, row.version, changes);
    if (!written) throw new ServiceModifiedError(row.id, row.version);
    const after: ModelServiceEntity = result.removed
      ? { ...row, version: changes.version }
      : { ...row, ...changes };
    const notificationIds = await this.record(manager, after, result, row.qps, requestId);
    if (goneWith.length > 0) await this.outbox.appendAll(manager, goneWith);
    return { outcome: { service: after, changed: true, removed: result.removed }, notificationIds };
  }

  /** The event row, the notification row (if subscribed) and the outbox messages. */
  private async record(
    manager: EntityManager,
    service: ModelServiceEntity,
    result: TransitionResult,
    qpsBefore: number,
    requestId?: string,
  ): Promise<string[]> {
    const event = result.event;
    if (!event) return [];
    this.metrics.transitions.inc({ reason: event.reason, to_state: event.to });
    const occurredAt = new Date();
    const eventId = randomUUID();
    await this.events.insert(manager, {
      eventId,
      serviceId: service.id,
      accountId: service.accountId,
      projectId: service.projectId,
      version: service.version,
      reason: event.reason,
      message: event.message,
      fromState: event.from,
      toState: event.to,
      occurredAt,
    });
    const subscribed =
      result.notification !== null &&
      service.notificationTopic !== null &&
      service.notificationEvents.includes(result.notification);
    const notification = subscribed
      ? {
          id: randomUUID(),
          topic: service.notificationTopic as string,
          event: result.notification as string,
        }
      : null;
    if (notification)
      await this.notifications.insert(manager, {
        id: notification.id,
        serviceId: service.id,
        accountId: service.accountId,
        projectId: service.projectId,
        serviceName: service.name,
        topic: notification.topic,
        event: notification.event,
        state: event.to,
        reason: event.reason,
        message: event.message,
        occurredAt,
        status: 'pending',
        attempts: 0,
        lastError: null,
        deliveredAt: null,
      });
    await this.outbox.appendAll(
      manager,
      changeMessages({
        service,
        event,
        eventId,
        version: service.version,
        occurredAt,
        removed: result.removed,
        qpsBefore,
        notification,
        requestId,
      }),
    );
    return notification ? [notification.id] : [];
  }
}

/** States in which a service holds no NPUs and waits for none. */
const RELEASING_STATES: readonly ServiceState[] = ['stopped', 'deployment_failed', 'deleting'];

/** NPUs a service in this state with this many instances holds or waits for. */
function npusHeld(
  lifecycle: Pick<ServiceLifecycle, 'state' | 'instances'>,
  row: Pick<ModelServiceEntity, 'npusPerInstance'>,
): number {
  return RELEASING_STATES.includes(lifecycle.state) ? 0 : lifecycle.instances * row.npusPerInstance;
}
