import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { type AccountEntity } from '../accounts.entity.js';
import { AccountNotFoundError } from '../accounts.errors.js';
import { AccountsRepository } from '../accounts.repository.js';

@Injectable()
export class GetAccount {
  constructor(private readonly accounts: AccountsRepository) {}

  /** An id that is not a UUID names no account either: 404, like any unknown id. */
  async execute(id: string): Promise<AccountEntity> {
    const account = isUUID(id) ? await this.accounts.findById(id) : null;
    if (!account) throw new AccountNotFoundError(id);
    return account;
  }
}
