import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { AuthorizationsRepository } from '../../store/authorizations/authorizations.repository.js';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { AttachmentsRepository } from '../../store/policies/attachments.repository.js';
import { policyDetached } from '../../store/policies/policies.events.js';
import { AgencyInUseError, AgencyNotFoundError } from '../../store/agencies/agencies.errors.js';
import { agencyDeleted } from '../../store/agencies/agencies.events.js';
import { AgenciesRepository } from '../../store/agencies/agencies.repository.js';

/** Deletes an agency no authorization uses, with its policy attachments. */
@Injectable()
export class DeleteAgency {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly agencies: AgenciesRepository,
    private readonly attachments: AttachmentsRepository,
    private readonly authorizations: AuthorizationsRepository,
  ) {}

  execute({ caller, requestId }: RequestContext, agencyId: string): Promise<void> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const agency = await this.agencies.findById(caller.accountId, agencyId, tx.manager);
      if (!agency) throw new AgencyNotFoundError(agencyId);
      const uses = await this.authorizations.countOfAgency(agency.id, tx.manager);
      if (uses > 0) throw new AgencyInUseError(agency.name, uses);
      const principal = { kind: 'agency', id: agency.id } as const;
      for (const policy of await this.attachments.deleteAll(tx.manager, principal)) {
        tx.emit(policyDetached(agency.accountId, policy, principal));
      }
      await this.agencies.delete(tx.manager, agency.id);
      tx.emit(agencyDeleted(agency));
    });
  }
}
