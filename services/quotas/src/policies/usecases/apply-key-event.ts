import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  type ApiKeyChangedSchema,
  type ApiKeyDeletedSchema,
  type ConsumedEvent,
} from '@maas/events';
import { KnownKeysRepository } from '../known-keys.repository.js';
import { PoliciesRepository } from '../policies.repository.js';
import { PolicyRemover } from '../policy-remover.js';

/**
 * Follows maas.keys.v1: remembers which key is whose, and when a key is deleted removes its
 * policies (a deleted key's limits must not linger at the gateways).
 */
@Injectable()
export class ApplyKeyEvent {
  constructor(
    private readonly keys: KnownKeysRepository,
    private readonly policies: PoliciesRepository,
    private readonly remover: PolicyRemover,
  ) {}

  async changed(
    event: ConsumedEvent<typeof ApiKeyChangedSchema>,
    manager: EntityManager,
  ): Promise<void> {
    await this.know(manager, event.payload, false);
  }

  async deleted(
    event: ConsumedEvent<typeof ApiKeyDeletedSchema>,
    manager: EntityManager,
  ): Promise<void> {
    const k = event.payload;
    await this.know(manager, k, true);
    await this.policies.lockSubject(manager, 'key', k.keyId);
    for (const policy of await this.policies.ofSubject(manager, 'key', k.keyId)) {
      await this.remover.remove(manager, policy, event.requestId);
    }
  }

  /** Whose the key is (changed and deleted events both say), in version order. */
  private know(
    manager: EntityManager,
    k: { keyId: string; accountId: string; projectId: string; version: bigint },
    deleted: boolean,
  ): Promise<void> {
    const { keyId, accountId, projectId, version } = k;
    return this.keys.apply(manager, { keyId, accountId, projectId, deleted, version });
  }
}
