import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { QuotaLimitsRepository } from '../../quota-limits/quota-limits.repository.js';
import { type ApiKeyEntity } from '../api-key.entity.js';
import { ApiKeysRepository } from '../api-keys.repository.js';

/** The project's keys, with the account's key count and limit. */
@Injectable()
export class ListApiKeys {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly quotas: QuotaLimitsRepository,
  ) {}

  async execute(
    { caller }: RequestContext,
    projectId: string,
  ): Promise<{ keys: ApiKeyEntity[]; used: number; limit: number }> {
    const [keys, used, limit] = await Promise.all([
      this.keys.listOfProject(caller.accountId, projectId),
      this.keys.countOfAccountNow(caller.accountId),
      this.quotas.maxApiKeys(caller.accountId),
    ]);
    return { keys, used, limit };
  }
}
