import { Inject, Injectable } from '@nestjs/common';
import { type IamTransaction } from '../transactions/iam-transaction.js';
import { fieldError } from '../common/field-error.js';
import { AttachmentsRepository } from '../store/policies/attachments.repository.js';
import { policyAttached } from '../store/policies/policies.events.js';
import { PoliciesRepository } from '../store/policies/policies.repository.js';
import { type PolicyEntity } from '../store/policies/policy.entity.js';
import { QuotaLimitsRepository } from '../quota-limits/quota-limits.repository.js';
import {
  AgencyErrorCode,
  AgencyNameTakenError,
  AgencyQuotaExceededError,
  NoFreeAgencyNameError,
} from '../store/agencies/agencies.errors.js';
import { agencyCreated } from '../store/agencies/agencies.events.js';
import { AgenciesRepository } from '../store/agencies/agencies.repository.js';
import { type AgencyEntity } from '../store/agencies/agency.entity.js';
import {
  AGENCY_NAME_SUFFIX,
  type AgencyNameSuffix,
  agencyNameCandidates,
} from './agency-naming.js';
import { expiryOf } from './validity-period.js';

export interface AgencySpec {
  /** An explicit name (must be free), or ... */
  name?: string;
  /** ... a default name, suffixed with 4 random digits while taken. */
  defaultName?: string;
  description: string;
  validityPeriod: string;
  /** Attached with a global scope. */
  policyIds: string[];
}

/**
 * Creates an agency inside an IAM transaction (the account is locked, so the quota count and
 * the name choice cannot race): enforces the account's agency quota (from the quotas service,
 * default 50), picks the name, attaches the policies, and publishes it all.
 */
@Injectable()
export class AgencyProvisioner {
  constructor(
    private readonly agencies: AgenciesRepository,
    private readonly policies: PoliciesRepository,
    private readonly attachments: AttachmentsRepository,
    private readonly quotas: QuotaLimitsRepository,
    @Inject(AGENCY_NAME_SUFFIX) private readonly suffix: AgencyNameSuffix,
  ) {}

  async create(
    tx: IamTransaction,
    accountId: string,
    spec: AgencySpec,
    field = 'policy_ids',
  ): Promise<AgencyEntity> {
    const limit = await this.quotas.maxAgencies(accountId, tx.manager);
    if ((await this.agencies.countOfAccount(accountId, tx.manager)) >= limit) {
      throw new AgencyQuotaExceededError(limit);
    }
    const policies = await this.visiblePolicies(tx, accountId, spec.policyIds, field);
    const name = await this.freeName(tx, accountId, spec);
    const now = new Date();
    const agency = await this.agencies.insert(tx.manager, {
      accountId,
      name,
      description: spec.description,
      validityPeriod: spec.validityPeriod,
      expiresAt: expiryOf(spec.validityPeriod, now),
    });
    tx.emit(agencyCreated(agency));
    const principal = { kind: 'agency', id: agency.id } as const;
    const scope = { scopeGlobal: true, projectIds: [] };
    for (const policy of policies) {
      await this.attachments.upsert(tx.manager, principal, {
        policyId: policy.id,
        accountId,
        ...scope,
      });
      tx.emit(policyAttached(accountId, policy, principal, scope));
    }
    return agency;
  }

  private async visiblePolicies(
    tx: IamTransaction,
    accountId: string,
    ids: string[],
    field: string,
  ): Promise<PolicyEntity[]> {
    const found: PolicyEntity[] = [];
    for (const id of new Set(ids)) {
      const policy = await this.policies.findVisible(accountId, id, tx.manager);
      if (!policy)
        throw fieldError(AgencyErrorCode.NotFound, field, `${field} names no policy ${id}`);
      found.push(policy);
    }
    return found;
  }

  private async freeName(tx: IamTransaction, accountId: string, spec: AgencySpec): Promise<string> {
    if (spec.name !== undefined) {
      if (await this.agencies.findByName(accountId, spec.name, tx.manager)) {
        throw new AgencyNameTakenError(spec.name);
      }
      return spec.name;
    }
    const base = spec.defaultName ?? 'modelarts_agency';
    for (const candidate of agencyNameCandidates(base, this.suffix)) {
      if (!(await this.agencies.findByName(accountId, candidate, tx.manager))) return candidate;
    }
    throw new NoFreeAgencyNameError(base);
  }
}
