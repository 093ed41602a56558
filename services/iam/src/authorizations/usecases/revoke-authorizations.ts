import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type IamTransaction } from '../../transactions/iam-transaction.js';
import { AuthorizationNotFoundError } from '../../store/authorizations/authorizations.errors.js';
import { authorizationRevoked } from '../../store/authorizations/authorizations.events.js';
import {
  type AuthorizationWithAgency,
  AuthorizationsRepository,
} from '../../store/authorizations/authorizations.repository.js';
import { CoveredUsers } from '../covered-users.js';

/**
 * Deletes one authorization, or clears them all (the caller confirmed with "DELETE"). The
 * agencies stay; the users they covered can no longer use ModelArts.
 */
@Injectable()
export class RevokeAuthorizations {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly authorizations: AuthorizationsRepository,
    private readonly covered: CoveredUsers,
  ) {}

  one({ caller, requestId }: RequestContext, authorizationId: string): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const found = await this.authorizations.findById(
        caller.accountId,
        authorizationId,
        tx.manager,
      );
      if (!found) throw new AuthorizationNotFoundError(authorizationId);
      await this.revoke(tx, [found]);
    });
  }

  /** Returns how many were deleted. */
  all({ caller, requestId }: RequestContext): Promise<number> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const all = await this.authorizations.list(caller.accountId, tx.manager);
      await this.revoke(tx, all);
      return all.length;
    });
  }

  private async revoke(
    tx: IamTransaction,
    authorizations: AuthorizationWithAgency[],
  ): Promise<void> {
    const affected = await Promise.all(authorizations.map((z) => this.covered.of(z, tx.manager)));
    await this.authorizations.delete(
      tx.manager,
      authorizations.map((z) => z.id),
    );
    authorizations.forEach((z) => tx.emit(authorizationRevoked(z)));
    tx.permissionsChanged(affected.flat());
  }
}
