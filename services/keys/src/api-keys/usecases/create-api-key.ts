import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeyHasher, displayParts, generateApiKeySecret } from '@maas/api-keys';
import { OutboxWriter } from '@maas/events';
import { type RequestContext } from '@maas/auth';
import { QuotaLimitsRepository } from '../../quota-limits/quota-limits.repository.js';
import { ApiKeyEntity } from '../api-key.entity.js';
import { apiKeyChanged } from '../api-key-events.js';
import {
  ApiKeyQuotaExceededError,
  ApiKeyTagTakenError,
  ProjectNotFoundError,
} from '../api-keys.errors.js';
import { ApiKeysRepository } from '../api-keys.repository.js';
import { ProjectsRepository } from '../projects.repository.js';

export interface CreateApiKeyInput {
  tag: string;
  description: string;
  allServices: boolean;
  serviceIds: string[];
  allowedCidrs: string[];
  allowedModels: string[];
}

/**
 * Creates a key in the caller's project: checks the account's key quota and the tag under
 * the account's lock, stores the secret's keyed hash only, and publishes the key's state.
 * The secret is returned here, once.
 */
@Injectable()
export class CreateApiKey {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly projects: ProjectsRepository,
    private readonly quotas: QuotaLimitsRepository,
    private readonly outbox: OutboxWriter,
    private readonly hasher: ApiKeyHasher,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    projectId: string,
    input: CreateApiKeyInput,
  ): Promise<{ key: ApiKeyEntity; secret: string }> {
    const accountId = caller.accountId;
    const region = await this.projects.regionOf(accountId, projectId);
    if (!region) throw new ProjectNotFoundError(projectId);
    const secret = generateApiKeySecret();
    const { prefix, suffix } = displayParts(secret);
    return this.keys.inAccount(accountId, async (manager) => {
      const limit = await this.quotas.maxApiKeys(accountId, manager);
      const used = await this.keys.countOfAccount(manager, accountId);
      if (used >= limit) throw new ApiKeyQuotaExceededError(limit, used);
      if (await this.keys.tagTaken(manager, accountId, input.tag))
        throw new ApiKeyTagTakenError(input.tag);
      const key = Object.assign(new ApiKeyEntity(), {
        id: randomUUID(),
        accountId,
        projectId,
        region,
        tag: input.tag,
        description: input.description,
        secretHash: this.hasher.hash(secret),
        secretPrefix: prefix,
        secretSuffix: suffix,
        previousSecretHash: null,
        previousValidUntil: null,
        allServices: input.allServices,
        serviceIds: input.serviceIds,
        allowedCidrs: input.allowedCidrs,
        allowedModels: input.allowedModels,
        frozen: false,
        frozenAt: null,
        frozenReason: '',
        version: 1,
        createdAt: new Date(),
        rotatedAt: null,
        lastUsedAt: null,
      } satisfies ApiKeyEntity);
      if (!(await this.keys.insert(manager, key))) throw new ApiKeyTagTakenError(input.tag);
      await this.outbox.append(manager, apiKeyChanged(key, requestId));
      return { key, secret };
    });
  }
}
