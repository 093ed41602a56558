import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../../store/users/users.repository.js';
import { AccountNotFoundError } from '../../store/accounts/accounts.errors.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';
import { type CreatedAccount } from './create-account.js';

@Injectable()
export class GetAccount {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
  ) {}

  /** An id that is not a UUID names no account either: 404, like any unknown id. */
  async execute(id: string): Promise<CreatedAccount> {
    const account = await this.accounts.findById(id);
    const root = account ? await this.users.findRoot(account.id) : null;
    if (!account || !root) throw new AccountNotFoundError(id);
    return { account, root, projects: await this.accounts.projectsOf(account.id) };
  }
}
