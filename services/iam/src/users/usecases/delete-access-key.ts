import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { AccessKeysRepository } from '../../store/users/access-keys.repository.js';
import { AccessKeyNotFoundError, UserNotFoundError } from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';

@Injectable()
export class DeleteAccessKey {
  constructor(
    private readonly users: UsersRepository,
    private readonly keys: AccessKeysRepository,
  ) {}

  async execute({ caller }: RequestContext, userId: string, accessKey: string): Promise<void> {
    const user = await this.users.findById(caller.accountId, userId);
    if (!user) throw new UserNotFoundError(userId);
    const key = await this.keys.findOfUser(user.id, accessKey);
    if (!key || !(await this.keys.delete(key.accessKey)))
      throw new AccessKeyNotFoundError(accessKey);
  }
}
