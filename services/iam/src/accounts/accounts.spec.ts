import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it, vi } from 'vitest';
import { type IamTransaction } from '../transactions/iam-transaction.js';
import { type IamTransactions } from '../transactions/iam-transactions.js';
import { type UserEntity } from '../store/users/user.entity.js';
import { type UsersRepository } from '../store/users/users.repository.js';
import { type AccountEntity } from '../store/accounts/account.entity.js';
import { AccountErrorCode, AccountNotFoundError } from '../store/accounts/accounts.errors.js';
import { type accountChanged } from '../store/accounts/accounts.events.js';
import { type AccountsRepository } from '../store/accounts/accounts.repository.js';
import { GetAccount } from './usecases/get-account.js';
import { SetAccountFrozen } from './usecases/set-account-frozen.js';

const account: AccountEntity = {
  id: '6f1b3c1e-8d43-4b8a-9a55-2f0f7d1e9c11',
  name: 'acme',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  frozen: false,
  frozenAt: null,
  frozenReason: '',
  version: 1,
};
const root = { id: 'e1f7a0c4-1b8e-4a7e-9d5c-3b1f0f2a9e10', name: 'acme', root: true } as UserEntity;

function getAccount(found: AccountEntity | null) {
  const findById = vi.fn((_id: string) => Promise.resolve(found));
  const projectsOf = vi.fn(() => Promise.resolve([]));
  const accounts = { findById, projectsOf } as unknown as AccountsRepository;
  const users = { findRoot: vi.fn(() => Promise.resolve(root)) } as unknown as UsersRepository;
  return new GetAccount(accounts, users);
}

describe('GetAccount', () => {
  it('returns the account with its root user and projects', async () => {
    await expect(getAccount(account).execute(account.id)).resolves.toEqual({
      account,
      root,
      projects: [],
    });
  });

  it('is not found for an unknown id', async () => {
    const error = await getAccount(null)
      .execute(account.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountNotFoundError);
    expect((error as AccountNotFoundError).code).toBe(AccountErrorCode.NotFound);
    expect((error as AccountNotFoundError).kind).toBe('not_found');
  });
});

/** SetAccountFrozen over an in-memory account and a transaction that records its events. */
function setFrozen(initial: AccountEntity | null) {
  const stored = initial ? { ...initial } : null;
  const emitted: ReturnType<typeof accountChanged>[] = [];
  const saved: AccountEntity[] = [];
  const tx = {
    manager: {},
    emit: (e: ReturnType<typeof accountChanged>) => emitted.push(e),
  } as unknown as IamTransaction;
  const transactions = {
    run: <T>(_id: string, _rid: string | undefined, change: (t: IamTransaction) => Promise<T>) =>
      change(tx),
  } as unknown as IamTransactions;
  const accounts = {
    findForUpdate: vi.fn(() => Promise.resolve(stored)),
    save: vi.fn((_m: unknown, a: AccountEntity) => {
      saved.push({ ...a });
      return Promise.resolve();
    }),
  } as unknown as AccountsRepository;
  return { usecase: new SetAccountFrozen(transactions, accounts), emitted, saved };
}

describe('SetAccountFrozen', () => {
  it('freezes with a reason, bumps the version and publishes AccountChanged', async () => {
    const { usecase, emitted, saved } = setFrozen(account);
    const frozen = await usecase.execute(account.id, { frozen: true, reason: 'arrears' });
    expect(frozen).toMatchObject({ frozen: true, frozenReason: 'arrears', version: 2 });
    expect(frozen.frozenAt).toBeInstanceOf(Date);
    expect(saved).toHaveLength(1);
    expect(emitted).toHaveLength(1);
    const { payload } = emitted[0];
    expect(payload).toMatchObject({
      accountId: account.id,
      name: 'acme',
      frozen: true,
      version: 2n,
      frozenReason: 'arrears',
    });
    expect(timestampDate(payload.frozenAt as Timestamp).getTime()).toBe(frozen.frozenAt!.getTime());
    expect(emitted[0]).toMatchObject({ aggregateType: 'account', aggregateId: account.id });
  });

  it('unfreezes: no time, no reason, a new version', async () => {
    const { usecase, emitted } = setFrozen({
      ...account,
      frozen: true,
      frozenAt: new Date(),
      frozenReason: 'arrears',
      version: 4,
    });
    const thawed = await usecase.execute(account.id, { frozen: false, reason: 'ignored' });
    expect(thawed).toMatchObject({ frozen: false, frozenAt: null, frozenReason: '', version: 5 });
    expect(emitted[0].payload).toMatchObject({ frozen: false, version: 5n });
    expect(emitted[0].payload.frozenAt).toBeUndefined();
  });

  it('changes and publishes nothing when the state is already so', async () => {
    const { usecase, emitted, saved } = setFrozen(account);
    await usecase.execute(account.id, { frozen: false });
    expect(emitted).toHaveLength(0);
    expect(saved).toHaveLength(0);
  });

  it('is not found for an unknown or malformed id', async () => {
    await expect(
      setFrozen(null).usecase.execute(account.id, { frozen: true }),
    ).rejects.toBeInstanceOf(AccountNotFoundError);
    await expect(
      setFrozen(account).usecase.execute('nope', { frozen: true }),
    ).rejects.toBeInstanceOf(AccountNotFoundError);
  });
});
