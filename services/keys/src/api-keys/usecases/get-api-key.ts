import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type ApiKeyEntity } from '../api-key.entity.js';
import { ApiKeyNotFoundError } from '../api-keys.errors.js';
import { ApiKeysRepository } from '../api-keys.repository.js';

/** One key of the project. */
@Injectable()
export class GetApiKey {
  constructor(private readonly keys: ApiKeysRepository) {}

  async execute({ caller }: RequestContext, projectId: string, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findInProject(caller.accountId, projectId, id);
    if (!key) throw new ApiKeyNotFoundError(id);
    return key;
  }
}
