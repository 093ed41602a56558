import { type EntityManager } from 'typeorm';
import { type EventInput } from '@maas/events';

/**
 * What goes with a service when it is removed, declared by the store and implemented by the
 * feature that owns the rows (preset-services: the accounts' preset access rows, which the
 * database drops with the service, ON DELETE CASCADE). Called inside the removal's
 * transaction before the service row is deleted; the messages it returns are appended to the
 * outbox after the service's own, in the same transaction. Provided globally by that
 * feature's module: model-services never imports it.
 */
export abstract class ServiceRemovalHook {
  abstract removing(
    manager: EntityManager,
    serviceId: string,
    requestId?: string,
  ): Promise<EventInput[]>;
}
