import { describe, expect, it, vi } from 'vitest';
import { type AccountEntity } from './accounts.entity.js';
import { AccountErrorCode, AccountNotFoundError } from './accounts.errors.js';
import { type AccountsRepository } from './accounts.repository.js';
import { GetAccount } from './usecases/get-account.js';

const account: AccountEntity = {
  id: '6f1b3c1e-8d43-4b8a-9a55-2f0f7d1e9c11',
  name: 'acme',
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

function repository(found: AccountEntity | null) {
  const findById = vi.fn((_id: string) => Promise.resolve(found));
  return { repo: { findById } as unknown as AccountsRepository, findById };
}

describe('GetAccount', () => {
  it('returns the account', async () => {
    const { repo } = repository(account);
    await expect(new GetAccount(repo).execute(account.id)).resolves.toBe(account);
  });

  it('is not found for an unknown id', async () => {
    const { repo } = repository(null);
    const error = await new GetAccount(repo).execute(account.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountNotFoundError);
    expect((error as AccountNotFoundError).code).toBe(AccountErrorCode.NotFound);
    expect((error as AccountNotFoundError).kind).toBe('not_found');
  });

  it('is not found, without a query, for an id that is not a UUID', async () => {
    const { repo, findById } = repository(account);
    await expect(new GetAccount(repo).execute('nope')).rejects.toBeInstanceOf(AccountNotFoundError);
    expect(findById).not.toHaveBeenCalled();
  });
});
