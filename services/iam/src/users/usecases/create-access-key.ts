import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type AccessKeyEntity } from '../../store/users/access-key.entity.js';
import { hashSecretKey, newAccessKeyPair } from '../../credentials/access-key-secrets.js';
import { AccessKeysRepository } from '../../store/users/access-keys.repository.js';
import {
  AccessKeyQuotaExceededError,
  MAX_ACCESS_KEYS_PER_USER,
  UserNotFoundError,
} from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';

/** A new AK/SK for a user; the SK is returned here once and stored only as a hash. */
@Injectable()
export class CreateAccessKey {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly users: UsersRepository,
    private readonly keys: AccessKeysRepository,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    userId: string,
    input: { description?: string },
  ): Promise<{ key: AccessKeyEntity; secretKey: string }> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const user = await this.users.findById(caller.accountId, userId, tx.manager);
      if (!user) throw new UserNotFoundError(userId);
      if ((await this.keys.countOfUser(user.id, tx.manager)) >= MAX_ACCESS_KEYS_PER_USER) {
        throw new AccessKeyQuotaExceededError();
      }
      const { accessKey, secretKey } = newAccessKeyPair();
      const key = await this.keys.insert(tx.manager, {
        accessKey,
        userId: user.id,
        accountId: user.accountId,
        secretHash: hashSecretKey(secretKey),
        description: input.description ?? '',
      });
      return { key, secretKey };
    });
  }
}
