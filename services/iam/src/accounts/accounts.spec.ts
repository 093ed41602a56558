import { describe, expect, it, vi } from 'vitest';
import { type UserEntity } from '../users/user.entity.js';
import { type UsersRepository } from '../users/users.repository.js';
import { type AccountEntity } from './account.entity.js';
import { AccountErrorCode, AccountNotFoundError } from './accounts.errors.js';
import { type AccountsRepository } from './accounts.repository.js';
import { GetAccount } from './usecases/get-account.js';

const account: AccountEntity = {
  id: '6f1b3c1e-8d43-4b8a-9a55-2f0f7d1e9c11',
  name: 'acme',
  createdAt: new Date('2026-01-01T00:00:00Z'),
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
