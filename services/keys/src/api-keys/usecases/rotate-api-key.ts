import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyHasher, displayParts, generateApiKeySecret } from '@maas/api-keys';
import { OutboxWriter } from '@maas/events';
import { type RequestContext } from '@maas/auth';
import { KEYS_CONFIG, type KeysConfig } from '../../config.js';
import { type ApiKeyEntity } from '../api-key.entity.js';
import { apiKeyChanged } from '../api-key-events.js';
import { ApiKeyNotFoundError, GracePeriodTooLongError } from '../api-keys.errors.js';
import { ApiKeysRepository } from '../api-keys.repository.js';

/**
 * Gives a key a new secret. With a grace period the replaced secret keeps working until
 * exactly rotation time + grace (verifiers compare against that instant); without one it
 * stops at once. Only the secret being replaced gets a grace period: a rotation during a
 * grace period ends the older secret's.
 */
@Injectable()
export class RotateApiKey {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly outbox: OutboxWriter,
    private readonly hasher: ApiKeyHasher,
    @Inject(KEYS_CONFIG) private readonly config: KeysConfig,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    projectId: string,
    id: string,
    graceSeconds = 0,
  ): Promise<{ key: ApiKeyEntity; secret: string }> {
    if (graceSeconds > this.config.MAX_GRACE_PERIOD_SECONDS) {
      throw new GracePeriodTooLongError(this.config.MAX_GRACE_PERIOD_SECONDS);
    }
    return this.keys.inAccount(caller.accountId, async (manager) => {
      const key = await this.keys.findInProject(caller.accountId, projectId, id, manager);
      if (!key) throw new ApiKeyNotFoundError(id);
      const now = new Date();
      const secret = generateApiKeySecret();
      const { prefix, suffix } = displayParts(secret);
      key.previousSecretHash = graceSeconds > 0 ? key.secretHash : null;
      key.previousValidUntil =
        graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1_000) : null;
      key.secretHash = this.hasher.hash(secret);
      key.secretPrefix = prefix;
      key.secretSuffix = suffix;
      key.rotatedAt = now;
      key.version += 1;
      await this.keys.save(manager, key);
      await this.outbox.append(manager, apiKeyChanged(key, requestId));
      return { key, secret };
    });
  }
}
