import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type EventInput,
  ServiceChangedSchema,
  ServiceNotificationSchema,
  ServiceQpsChangedSchema,
  ServiceStateChangedSchema,
} from '@maas/events';
import { isCallable, protoState, type ServiceEventDraft } from '../lifecycle/index.js';
import { type ModelServiceEntity } from './model-service.entity.js';

export interface ChangeMessages {
  /** The service as it is after the change (for a removal: as it was, plus the new version). */
  readonly service: ModelServiceEntity;
  readonly event: ServiceEventDraft;
  readonly eventId: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly removed: boolean;
  readonly qpsBefore: number;
  readonly notification: { id: string; topic: string; event: string } | null;
  readonly requestId?: string;
}

/**
 * The maas.deployments.v1 messages of one change, in the order they are appended:
 * ServiceStateChanged, ServiceQpsChanged (QPS changes), ServiceNotification (subscribed
 * events), and the ServiceChanged snapshot last.
 */
export function changeMessages(change: ChangeMessages): EventInput[] {
  const { service: s } = change;
  const common = {
    accountId: s.accountId,
    projectId: s.projectId,
    aggregateType: 'service',
    aggregateId: s.id,
    occurredAt: change.occurredAt,
    ...(change.requestId ? { requestId: change.requestId } : {}),
  };
  const version = BigInt(change.version);
  const messages: EventInput[] = [
    {
      ...common,
      eventId: change.eventId,
      schema: ServiceStateChangedSchema,
      payload: {
        serviceId: s.id,
        fromState: protoState(change.event.from),
        toState: protoState(change.event.to),
        reason: change.event.reason,
        message: change.event.message,
        serviceName: s.name,
        version,
      },
    },
  ];
  if (s.qps !== change.qpsBefore)
    messages.push({
      ...common,
      schema: ServiceQpsChangedSchema,
      payload: {
        serviceId: s.id,
        serviceName: s.name,
        oldQps: change.qpsBefore,
        newQps: s.qps,
        version,
      },
    });
  if (change.notification)
    messages.push({
      ...common,
      eventId: change.notification.id,
      schema: ServiceNotificationSchema,
      payload: {
        notificationId: change.notification.id,
        serviceId: s.id,
        serviceName: s.name,
        topic: change.notification.topic,
        event: change.notification.event,
        state: protoState(change.event.to),
        reason: change.event.reason,
        message: change.event.message,
        occurredAt: timestampFromDate(change.occurredAt),
      },
    });
  messages.push({ ...common, schema: ServiceChangedSchema, payload: snapshotOf(s, change) });
  return messages;
}

function snapshotOf(s: ModelServiceEntity, change: ChangeMessages) {
  return {
    serviceId: s.id,
    accountId: s.accountId,
    projectId: s.projectId,
    region: s.region,
    name: s.name,
    state: protoState(s.state),
    callable: !change.removed && isCallable(s.state),
    qps: s.qps,
    instances: s.instances,
    modelId: s.modelId,
    modelName: s.modelName,
    modelVersion: s.modelVersion,
    variant: s.variantId,
    contextLength: s.contextLength,
    maxInputTokens: s.maxInputTokens,
    maxOutputTokens: s.maxOutputTokens,
    poolId: s.poolId,
    flavorId: s.flavorId,
    npusPerInstance: s.npusPerInstance,
    k8sNamespace: s.k8sNamespace,
    k8sServiceName: s.k8sName,
    port: s.port,
    deleted: change.removed,
    version: BigInt(change.version),
    preset: s.preset,
  };
}
