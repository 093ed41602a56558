import { ApiProperty } from '@nestjs/swagger';
import { type AccountEntity } from '../accounts.entity.js';

export class AccountResponse {
  @ApiProperty({ format: 'uuid', example: '6f1b3c1e-8d43-4b8a-9a55-2f0f7d1e9c11' })
  id!: string;

  @ApiProperty({ example: 'acme' })
  name!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  static from(account: AccountEntity): AccountResponse {
    return { id: account.id, name: account.name, created_at: account.createdAt.toISOString() };
  }
}
