import { Injectable } from '@nestjs/common';
import { type AccountEntity } from '../accounts.entity.js';
import { AccountsRepository } from '../accounts.repository.js';

@Injectable()
export class CreateAccount {
  constructor(private readonly accounts: AccountsRepository) {}

  execute(input: { name: string }): Promise<AccountEntity> {
    return this.accounts.insert(input.name);
  }
}
