import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type EventInput, OutboxWriter } from '@maas/events';
import { AccountEntity } from '../store/accounts/account.entity.js';
import { AccountNotFoundError } from '../store/accounts/accounts.errors.js';
import { PermissionSnapshots } from '../store/permissions/permission-snapshots.js';
import { IamTransaction } from './iam-transaction.js';

/**
 * Runs IAM changes: one database transaction per change, holding the account's row lock, so
 * an account's changes apply one at a time. At the end, in the same transaction, the change's
 * events and then a fresh permission snapshot of every affected user are appended to the
 * outbox. Since snapshots are read under the lock and appended in lock order, the last
 * snapshot of a user on the topic is always their current state.
 */
@Injectable()
export class IamTransactions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly snapshots: PermissionSnapshots,
  ) {}

  /** A change inside an existing account (locked first; gone → 404). */
  run<T>(
    accountId: string,
    requestId: string | undefined,
    change: (tx: IamTransaction) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const locked = await manager
        .createQueryBuilder(AccountEntity, 'a')
        .select('a.id', 'id')
        .where('a.id = :accountId', { accountId })
        .setLock('pessimistic_write')
        .getRawOne<{ id: string }>();
      if (!locked) throw new AccountNotFoundError(accountId);
      return this.finish(new IamTransaction(manager, requestId), change);
    });
  }

  /** A change that creates its account (nothing to lock yet: the row is new). */
  runNew<T>(requestId: string | undefined, change: (tx: IamTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      this.finish(new IamTransaction(manager, requestId), change),
    );
  }

  private async finish<T>(
    tx: IamTransaction,
    change: (tx: IamTransaction) => Promise<T>,
  ): Promise<T> {
    const result = await change(tx);
    const snapshots = await this.snapshotsOf(tx, tx.manager);
    await this.outbox.appendAll(tx.manager, [...tx.events, ...snapshots]);
    return result;
  }

  private async snapshotsOf(tx: IamTransaction, manager: EntityManager): Promise<EventInput[]> {
    const out: EventInput[] = [];
    for (const userId of tx.affectedUsers) {
      const snapshot = await this.snapshots.of(userId, manager);
      const deleted = tx.deletedUser(userId);
      if (snapshot) out.push(snapshot);
      else if (deleted) out.push(this.snapshots.deleted(deleted));
    }
    return out.map((e) => (tx.requestId ? { ...e, requestId: tx.requestId } : e));
  }
}
