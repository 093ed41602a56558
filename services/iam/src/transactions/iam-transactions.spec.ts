import { describe, expect, it, vi } from 'vitest';
import { type DataSource, type EntityManager } from 'typeorm';
import { type EventInput, type OutboxWriter, UserCreatedSchema } from '@maas/events';
import { AccountNotFoundError } from '../store/accounts/accounts.errors.js';
import { type PermissionSnapshots } from '../store/permissions/permission-snapshots.js';
import { IamTransactions } from './iam-transactions.js';

const event = (id: string): EventInput => ({
  schema: UserCreatedSchema,
  payload: { userId: id, accountId: 'acc', name: id },
  accountId: 'acc',
  aggregateType: 'user',
  aggregateId: id,
});

function harness(accountExists = true) {
  const queryBuilder = {
    select: () => queryBuilder,
    where: () => queryBuilder,
    setLock: vi.fn(() => queryBuilder),
    getRawOne: () => Promise.resolve(accountExists ? { id: 'acc' } : undefined),
  };
  const manager = { createQueryBuilder: () => queryBuilder } as unknown as EntityManager;
  const dataSource = {
    transaction: (fn: (m: EntityManager) => Promise<unknown>) => fn(manager),
  } as unknown as DataSource;
  const appended: EventInput[][] = [];
  const outbox = {
    appendAll: (_m: EntityManager, events: EventInput[]) => {
      appended.push(events);
      return Promise.resolve([]);
    },
  } as unknown as OutboxWriter;
  const snapshots = {
    of: (userId: string) =>
      Promise.resolve(userId === 'gone' ? undefined : event(`snapshot-${userId}`)),
    deleted: (user: { id: string }) => event(`deleted-${user.id}`),
  } as unknown as PermissionSnapshots;
  return {
    transactions: new IamTransactions(dataSource, outbox, snapshots),
    appended,
    setLock: queryBuilder.setLock,
  };
}

describe('IamTransactions', () => {
  it("locks the account, then appends the change's events and one snapshot per affected user", async () => {
    const { transactions, appended, setLock } = harness();
    const result = await transactions.run('acc', 'req-1', (tx) => {
      tx.emit(event('a'));
      tx.permissionsChanged(['u1', 'u2']);
      tx.emit(event('b'));
      tx.permissionsChanged(['u1']);
      tx.userDeleted({ id: 'gone', accountId: 'acc', name: 'gone', root: false });
      return Promise.resolve(42);
    });
    expect(result).toBe(42);
    expect(setLock).toHaveBeenCalledWith('pessimistic_write');
    expect(appended).toHaveLength(1);
    expect(appended[0].map((e) => [e.aggregateId, e.requestId])).toEqual([
      ['a', 'req-1'],
      ['b', 'req-1'],
      ['snapshot-u1', 'req-1'],
      ['snapshot-u2', 'req-1'],
      ['deleted-gone', 'req-1'],
    ]);
  });

  it('is 404 when the account is gone, and appends nothing', async () => {
    const { transactions, appended } = harness(false);
    const change = vi.fn(() => Promise.resolve());
    await expect(transactions.run('acc', undefined, change)).rejects.toBeInstanceOf(
      AccountNotFoundError,
    );
    expect(change).not.toHaveBeenCalled();
    expect(appended).toEqual([]);
  });

  it('appends nothing when the change fails', async () => {
    const { transactions, appended } = harness();
    await expect(
      transactions.run('acc', undefined, (tx) => {
        tx.emit(event('a'));
        return Promise.reject(new Error('boom'));
      }),
    ).rejects.toThrow('boom');
    expect(appended).toEqual([]);
  });
});
