import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import {
  type AttachedPolicy,
  AttachmentsRepository,
} from '../../store/policies/attachments.repository.js';
import { AgencyNotFoundError } from '../../store/agencies/agencies.errors.js';
import { AgenciesRepository } from '../../store/agencies/agencies.repository.js';
import { type AgencyEntity } from '../../store/agencies/agency.entity.js';

@Injectable()
export class GetAgency {
  constructor(
    private readonly agencies: AgenciesRepository,
    private readonly attachments: AttachmentsRepository,
  ) {}

  async execute(
    { caller }: RequestContext,
    agencyId: string,
  ): Promise<{ agency: AgencyEntity; policies: AttachedPolicy[] }> {
    const agency = await this.agencies.findById(caller.accountId, agencyId);
    if (!agency) throw new AgencyNotFoundError(agencyId);
    return { agency, policies: await this.attachments.list({ kind: 'agency', id: agency.id }) };
  }

  list({ caller }: RequestContext): Promise<AgencyEntity[]> {
    return this.agencies.list(caller.accountId);
  }
}
