import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type EventInput } from '@maas/events';
import { ServiceRemovalHook } from '../model-services/service-removal.port.js';
import { PresetAccessRepository } from './preset-access.repository.js';
import { presetAccessMessage } from './preset-messages.js';

/**
 * A removed service takes its preset access rows with it (ON DELETE CASCADE): publish
 * enabled = false for each account that had enabled it, so projections forget them (SPEC §8).
 * The store's ServiceRemovalHook, called in the removal's transaction.
 */
@Injectable()
export class PresetAccessRevoker implements ServiceRemovalHook {
  constructor(private readonly access: PresetAccessRepository) {}

  async removing(
    manager: EntityManager,
    serviceId: string,
    requestId?: string,
  ): Promise<EventInput[]> {
    const revoked = await this.access.revokeAll(manager, serviceId);
    return revoked.map((change) => presetAccessMessage(change, requestId));
  }
}
