import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { AccountEntity } from './accounts.entity.js';
import { AccountNameTakenError } from './accounts.errors.js';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
  );
}

/** Every query on accounts lives here. */
@Injectable()
export class AccountsRepository {
  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
  ) {}

  /** Inserts an account; a taken name is an AccountNameTakenError. */
  async insert(name: string): Promise<AccountEntity> {
    try {
      return await this.accounts.save(this.accounts.create({ name }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new AccountNameTakenError(name);
      throw error;
    }
  }

  findById(id: string): Promise<AccountEntity | null> {
    return this.accounts.findOneBy({ id });
  }
}
