import { Inject, Injectable } from '@nestjs/common';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type IamTransaction } from '../../transactions/iam-transaction.js';
import { type AccountConfig, IAM_CONFIG } from '../../config.js';
import { PasswordHasher } from '../../credentials/password-hasher.js';
import { passwordProblem } from '../../credentials/password-policy.js';
import { UsersRepository } from '../../store/users/users.repository.js';
import { userCreated } from '../../store/users/users.events.js';
import { type UserEntity } from '../../store/users/user.entity.js';
import { type AccountEntity } from '../../store/accounts/account.entity.js';
import { weakRootPassword } from '../../store/accounts/accounts.errors.js';
import {
  accountChanged,
  accountCreated,
  projectCreated,
} from '../../store/accounts/accounts.events.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';
import { type ProjectEntity } from '../../store/accounts/project.entity.js';

export interface CreatedAccount {
  account: AccountEntity;
  root: UserEntity;
  projects: ProjectEntity[];
}

/**
 * Creates an account with its root user (named like the account) and one project per
 * configured region, and publishes them.
 */
@Injectable()
export class CreateAccount {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly accounts: AccountsRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    @Inject(IAM_CONFIG) private readonly config: Pick<AccountConfig, 'REGIONS'>,
  ) {}

  async execute(
    input: { name: string; rootPassword: string },
    requestId?: string,
  ): Promise<CreatedAccount> {
    const problem = passwordProblem(input.rootPassword, input.name);
    if (problem) throw weakRootPassword(problem);
    const passwordHash = await this.hasher.hash(input.rootPassword);
    return this.transactions.runNew(requestId, (tx) => this.create(tx, input.name, passwordHash));
  }

  private async create(
    tx: IamTransaction,
    name: string,
    passwordHash: string,
  ): Promise<CreatedAccount> {
    const account = await this.accounts.insert(tx.manager, name);
    tx.emit(accountCreated(account));
    tx.emit(accountChanged(account));
    const root = await this.users.insert(tx.manager, {
      accountId: account.id,
      name,
      root: true,
      passwordHash,
      description: "The account's root user",
    });
    tx.emit(userCreated(root));
    tx.permissionsChanged([root.id]);
    const projects: ProjectEntity[] = [];
    for (const region of this.config.REGIONS) {
      const project = await this.accounts.insertProject(tx.manager, {
        accountId: account.id,
        region,
        name: region,
      });
      projectCreated(project).forEach((event) => tx.emit(event));
      projects.push(project);
    }
    projects.sort((a, b) => a.region.localeCompare(b.region));
    return { account, root, projects };
  }
}
