import { Inject, Injectable, Logger } from '@nestjs/common';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { type AccountConfig, IAM_CONFIG } from '../../config.js';
import { projectCreated } from '../../store/accounts/accounts.events.js';
import { AccountsRepository } from '../../store/accounts/accounts.repository.js';

/**
 * Gives every account a project in every configured region: after an operator adds a
 * region to REGIONS, existing accounts get their project in it at the next start.
 * Idempotent and safe when replicas run it at once (each account is locked while checked).
 */
@Injectable()
export class SyncRegionProjects {
  private readonly logger = new Logger('Projects');

  constructor(
    private readonly transactions: IamTransactions,
    private readonly accounts: AccountsRepository,
    @Inject(IAM_CONFIG) private readonly config: Pick<AccountConfig, 'REGIONS'>,
  ) {}

  async execute(): Promise<number> {
    let created = 0;
    for (const accountId of await this.accounts.accountsMissingRegions(this.config.REGIONS)) {
      created += await this.transactions.run(accountId, undefined, async (tx) => {
        const have = new Set(
          (await this.accounts.projectsOf(accountId, tx.manager)).map((p) => p.region),
        );
        const missing = this.config.REGIONS.filter((region) => !have.has(region));
        for (const region of missing) {
          const project = await this.accounts.insertProject(tx.manager, {
            accountId,
            region,
            name: region,
          });
          projectCreated(project).forEach((event) => tx.emit(event));
        }
        return missing.length;
      });
    }
    if (created > 0) this.logger.log({ msg: 'created projects in new regions', created });
    return created;
  }
}
