import { Injectable } from '@nestjs/common';
import { OutboxWriter, Topic } from '@maas/events';
import { type RequestContext } from '@maas/auth';
import { apiKeyDeleted } from '../api-key-events.js';
import { ApiKeyNotFoundError } from '../api-keys.errors.js';
import { ApiKeysRepository } from '../api-keys.repository.js';

/**
 * Deletes a key for good: the row goes, and maas.keys.v1 gets ApiKeyDeleted then a
 * tombstone, in the same transaction; verifiers drop the key on the first of them.
 */
@Injectable()
export class DeleteApiKey {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  execute({ caller, requestId }: RequestContext, projectId: string, id: string): Promise<void> {
    return this.keys.inAccount(caller.accountId, async (manager) => {
      const key = await this.keys.findInProject(caller.accountId, projectId, id, manager);
      if (!key) throw new ApiKeyNotFoundError(id);
      await this.keys.delete(manager, key.id);
      await this.outbox.append(manager, apiKeyDeleted(key, requestId));
      await this.outbox.appendTombstone(manager, { topic: Topic.Keys, key: key.id });
    });
  }
}
