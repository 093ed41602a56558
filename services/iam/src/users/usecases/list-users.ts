import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type UserEntity } from '../../store/users/user.entity.js';
import { UsersRepository } from '../../store/users/users.repository.js';

@Injectable()
export class ListUsers {
  constructor(private readonly users: UsersRepository) {}

  execute({ caller }: RequestContext): Promise<UserEntity[]> {
    return this.users.list(caller.accountId);
  }
}
