import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { type AccessKeyEntity } from '../../store/users/access-key.entity.js';
import { AccessKeysRepository } from '../../store/users/access-keys.repository.js';
import { UserNotFoundError } from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';

@Injectable()
export class ListAccessKeys {
  constructor(
    private readonly users: UsersRepository,
    private readonly keys: AccessKeysRepository,
  ) {}

  async execute({ caller }: RequestContext, userId: string): Promise<AccessKeyEntity[]> {
    const user = await this.users.findById(caller.accountId, userId);
    if (!user) throw new UserNotFoundError(userId);
    return this.keys.listOfUser(user.id);
  }
}
