import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type AccountEntity } from '../../store/accounts/account.entity.js';
import { AccountNotFoundError } from '../../store/accounts/accounts.errors.js';
import { accountChanged } from '../../store/accounts/accounts.events.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';

/**
 * The platform operator freezes or unfreezes an account (e.g. arrears, abuse). Frozen, every
 * inference call of the account — with any of its API keys or an IAM token — is refused by
 * the gateways with ModelArts.81006 "The resource is frozen." (seed 002 Table 4-19); the admin
 * APIs keep working, so the tenant can still sign in, see and tidy up. The AccountChanged
 * snapshot is appended to the outbox in the same transaction, under the account's lock.
 * Setting the state it already has changes nothing and publishes nothing.
 */
@Injectable()
export class SetAccountFrozen {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly accounts: AccountsRepository,
  ) {}

  execute(
    id: string,
    input: { frozen: boolean; reason?: string },
    requestId?: string,
  ): Promise<AccountEntity> {
    // Not a UUID names no account either: 404, never a database error.
    if (!isUUID(id)) return Promise.reject(new AccountNotFoundError(id));
    return this.transactions.run(id, requestId, async (tx) => {
      const account = await this.accounts.findForUpdate(tx.manager, id);
      if (!account) throw new AccountNotFoundError(id);
      const reason = input.frozen ? (input.reason ?? '') : '';
      if (account.frozen === input.frozen && account.frozenReason === reason) return account;
      if (account.frozen !== input.frozen) account.frozenAt = input.frozen ? new Date() : null;
      account.frozen = input.frozen;
      account.frozenReason = reason;
      account.version += 1;
      await this.accounts.save(tx.manager, account);
      tx.emit(accountChanged(account));
      return account;
    });
  }
}
