import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { PermissionsRepository } from '../../store/permissions/permissions.repository.js';
import { AgencyNotFoundError } from '../../store/agencies/agencies.errors.js';
import { agencyUpdated } from '../../store/agencies/agencies.events.js';
import { AgenciesRepository } from '../../store/agencies/agencies.repository.js';
import { type AgencyEntity } from '../../store/agencies/agency.entity.js';
import { expiryOf } from '../validity-period.js';

/** Changes an agency's description or validity period (counted from now). */
@Injectable()
export class UpdateAgency {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly agencies: AgenciesRepository,
    private readonly permissions: PermissionsRepository,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    agencyId: string,
    input: { description?: string; validity_period?: string },
  ): Promise<AgencyEntity> {
    return this.transactions.run(caller.accountId, requestId, async (tx) => {
      const agency = await this.agencies.findById(caller.accountId, agencyId, tx.manager);
      if (!agency) throw new AgencyNotFoundError(agencyId);
      if (input.description !== undefined) agency.description = input.description;
      if (input.validity_period !== undefined) {
        agency.validityPeriod = input.validity_period;
        agency.expiresAt = expiryOf(input.validity_period, new Date());
      }
      const saved = await this.agencies.save(tx.manager, agency);
      tx.emit(agencyUpdated(saved));
      if (input.validity_period !== undefined) {
        // The covered users' ModelArts authorization now ends at another time.
        tx.permissionsChanged(
          await this.permissions.usersCoveredByAgency(caller.accountId, agency.id, tx.manager),
        );
      }
      return saved;
    });
  }
}
