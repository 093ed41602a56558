import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { PasswordHasher } from '../../credentials/password-hasher.js';
import { passwordProblem } from '../../credentials/password-policy.js';
import { type UserEntity } from '../../store/users/user.entity.js';
import { weakPassword } from '../../store/users/users.errors.js';
import { userCreated } from '../../store/users/users.events.js';
import { UsersRepository } from '../../store/users/users.repository.js';

@Injectable()
export class CreateUser {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    input: { name: string; password?: string; description?: string },
  ): Promise<UserEntity> {
    let passwordHash: string | null = null;
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, input.name);
      if (problem) throw weakPassword('password', problem);
      passwordHash = await this.hasher.hash(input.password);
    }
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const user = await this.users.insert(tx.manager, {
        accountId: caller.accountId,
        name: input.name,
        root: false,
        passwordHash,
        description: input.description ?? '',
      });
      tx.emit(userCreated(user));
      tx.permissionsChanged([user.id]);
      return user;
    });
  }
}
