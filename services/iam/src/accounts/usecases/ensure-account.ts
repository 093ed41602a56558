import { Injectable } from '@nestjs/common';
import { AccountNameTakenError } from '../../store/accounts/accounts.errors.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';
import { CreateAccount, type CreatedAccount } from './create-account.js';
import { GetAccount } from './get-account.js';

/**
 * Creates the account unless one of that name exists (the operator's bootstrap command:
 * safe to run again). An existing account is returned as it is: its root password is not
 * changed.
 */
@Injectable()
export class EnsureAccount {
  constructor(
    private readonly accounts: AccountsRepository,
    private readonly createAccount: CreateAccount,
    private readonly getAccount: GetAccount,
  ) {}

  async execute(input: {
    name: string;
    rootPassword: string;
  }): Promise<CreatedAccount & { created: boolean }> {
    const existing = await this.accounts.findByName(input.name);
    if (existing) return { ...(await this.getAccount.execute(existing.id)), created: false };
    try {
      return { ...(await this.createAccount.execute(input)), created: true };
    } catch (error) {
      if (!(error instanceof AccountNameTakenError)) throw error;
      const raced = await this.accounts.findByName(input.name);
      if (!raced) throw error;
      return { ...(await this.getAccount.execute(raced.id)), created: false };
    }
  }
}
