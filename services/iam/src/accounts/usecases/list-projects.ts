import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';
import { type ProjectEntity } from '../../store/accounts/project.entity.js';

@Injectable()
export class ListProjects {
  constructor(private readonly accounts: AccountsRepository) {}

  execute({ caller }: RequestContext): Promise<ProjectEntity[]> {
    return this.accounts.projectsOf(caller.accountId);
  }
}
