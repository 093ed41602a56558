import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type UserEntity } from '../../store/users/user.entity.js';
import { UserNotFoundError } from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';

@Injectable()
export class GetUser {
  constructor(private readonly users: UsersRepository) {}

  /** Another account's user is "not found", like an unknown id. */
  async execute({ caller }: RequestContext, userId: string): Promise<UserEntity> {
    const user = await this.users.findById(caller.accountId, userId);
    if (!user) throw new UserNotFoundError(userId);
    return user;
  }
}
