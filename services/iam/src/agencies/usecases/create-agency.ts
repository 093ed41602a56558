import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { AgencyProvisioner } from '../agency-provisioner.js';
import { type AgencyEntity } from '../../store/agencies/agency.entity.js';

@Injectable()
export class CreateAgency {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly provisioner: AgencyProvisioner,
  ) {}

  execute(
    { caller, requestId }: RequestContext,
    input: { name: string; description?: string; validity_period?: string; policy_ids?: string[] },
  ): Promise<AgencyEntity> {
    return this.transactions.run(caller.accountId, requestId, (tx) =>
      this.provisioner.create(tx, caller.accountId, {
        name: input.name,
        description: input.description ?? '',
        validityPeriod: input.validity_period ?? 'unlimited',
        policyIds: input.policy_ids ?? [],
      }),
    );
  }
}
