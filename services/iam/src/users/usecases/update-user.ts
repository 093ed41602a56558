import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { PasswordHasher } from '../../credentials/password-hasher.js';
import { passwordProblem } from '../../credentials/password-policy.js';
import { type UserEntity } from '../../store/users/user.entity.js';
import { UserNotFoundError, weakPassword } from '../../store/users/users.errors.js';
import { UsersRepository } from '../../store/users/users.repository.js';

/** Changes a user's password or description (no event: neither is shared). */
@Injectable()
export class UpdateUser {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    userId: string,
    input: { password?: string; description?: string },
  ): Promise<UserEntity> {
    const found = await this.users.findById(caller.accountId, userId);
    if (!found) throw new UserNotFoundError(userId);
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, found.name);
      if (problem) throw weakPassword('password', problem);
      passwordHash = await this.hasher.hash(input.password);
    }
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const user = await this.users.findById(caller.accountId, userId, tx.manager);
      if (!user) throw new UserNotFoundError(userId);
      await this.users.update(tx.manager, user.id, {
        passwordHash,
        description: input.description,
      });
      return { ...user, description: input.description ?? user.description };
    });
  }
}
