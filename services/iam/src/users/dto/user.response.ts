import { ApiProperty } from '@nestjs/swagger';
import { type UserEntity } from '../../store/users/user.entity.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  account_id!: string;

  @ApiProperty({ example: 'alice' })
  name!: string;

  @ApiProperty({ description: "True for the account's root user" })
  root!: boolean;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  static from(user: UserEntity): UserResponse {
    return {
      id: user.id,
      account_id: user.accountId,
      name: user.name,
      root: user.root,
      description: user.description,
      created_at: user.createdAt.toISOString(),
    };
  }
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] })
  users!: UserResponse[];
}
