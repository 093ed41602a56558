import { Injectable } from '@nestjs/common';
import { OutboxWriter } from '@maas/events';
import { type ApiKeyEntity } from '../api-key.entity.js';
import { apiKeyChanged } from '../api-key-events.js';
import { ApiKeyNotFoundError } from '../api-keys.errors.js';
import { ApiKeysRepository } from '../api-keys.repository.js';

/**
 * The platform operator freezes or unfreezes one key (abuse, a leak reported to the
 * operator). A frozen key keeps existing — the tenant still sees, rotates and deletes it —
 * but every gateway refuses calls with it with ModelArts.81006 "The resource is frozen."
 * (seed 002 Table 4-19): ApiKeyChanged with status FROZEN, in the same transaction. Rotation
 * does not unfreeze. Setting the state the key already has changes and publishes nothing.
 * Tenants cannot freeze their own keys: to stop a key they delete or rotate it.
 */
@Injectable()
export class SetApiKeyFrozen {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    projectId: string,
    id: string,
    input: { frozen: boolean; reason?: string },
    requestId?: string,
  ): Promise<ApiKeyEntity> {
    // Operator routes have no caller: the key names its account, whose lock then orders the
    // change with the tenant's own (rotate, delete).
    const found = await this.keys.findInAnyAccount(projectId, id);
    if (!found) throw new ApiKeyNotFoundError(id);
    return this.keys.inAccount(found.accountId, async (manager) => {
      const key = await this.keys.findInProject(found.accountId, projectId, id, manager);
      if (!key) throw new ApiKeyNotFoundError(id);
      const reason = input.frozen ? (input.reason ?? '') : '';
      if (key.frozen === input.frozen && key.frozenReason === reason) return key;
      if (key.frozen !== input.frozen) key.frozenAt = input.frozen ? new Date() : null;
      key.frozen = input.frozen;
      key.frozenReason = reason;
      key.version += 1;
      await this.keys.save(manager, key);
      await this.outbox.append(manager, apiKeyChanged(key, requestId));
      return key;
    });
  }
}
