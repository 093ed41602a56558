import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter } from '@maas/events';
import { type ProjectRequestContext } from '@maas/auth';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../../config.js';
import { InvalidFieldsError } from '../../validation/invalid-fields.error.js';
import { ModelServicesRepository } from '../../model-services/model-services.repository.js';
import { type PresetServiceResponse } from '../dto/preset-service.dto.js';
import { PresetAccessRepository } from '../preset-access.repository.js';
import { presetAccessMessage } from '../preset-messages.js';
import { PresetErrorCode, PresetServiceNotFoundError } from '../preset-services.errors.js';
import { ReadPresets } from './read-presets.js';

/**
 * Enables or disables a preset service for the caller's account (SPEC §8: calling one needs
 * it, else ModelArts.81004 at the gateway). In one transaction, with the service row
 * share-locked (an unpublish or removal cannot slip in between): the access row and its
 * PresetServiceAccessChanged in the outbox. A repeat writes and publishes nothing.
 */
@Injectable()
export class SetPresetAccess {
  constructor(
    private readonly dataSource: DataSource,
    private readonly services: ModelServicesRepository,
    private readonly access: PresetAccessRepository,
    private readonly outbox: OutboxWriter,
    private readonly reading: ReadPresets,
    @Inject(DEPLOYMENTS_CONFIG) private readonly config: DeploymentsConfig,
  ) {}

  async execute(
    ctx: ProjectRequestContext,
    serviceId: string,
    enabled: unknown,
  ): Promise<PresetServiceResponse> {
    if (typeof enabled !== 'boolean')
      throw new InvalidFieldsError(PresetErrorCode.InvalidPresetRequest, 'Invalid request', [
        { field: 'enabled', problem: 'must be true or false' },
      ]);
    const accountId = ctx.caller.accountId;
    const service = await this.dataSource.transaction(async (manager) => {
      const found = await this.services.findPreset(this.config.REGION, serviceId, manager);
      if (!found) throw new PresetServiceNotFoundError(serviceId);
      const change = await this.access.set(manager, accountId, found.id, enabled);
      if (change) await this.outbox.append(manager, presetAccessMessage(change, ctx.requestId));
      return found;
    });
    return this.reading.view(service, enabled);
  }
}
