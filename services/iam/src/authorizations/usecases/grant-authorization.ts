import { Injectable } from '@nestjs/common';
import { type RequestContext } from '@maas/auth';
import { AgenciesRepository } from '../../store/agencies/agencies.repository.js';
import { AgencyProvisioner } from '../../agencies/agency-provisioner.js';
import { type AgencyEntity } from '../../store/agencies/agency.entity.js';
import { defaultAgencyName } from '../../agencies/agency-naming.js';
import { isExpired } from '../../agencies/validity-period.js';
import { fieldError } from '../../common/field-error.js';
import { type IamTransaction } from '../../transactions/iam-transaction.js';
import { IamTransactions } from '../../transactions/iam-transactions.js';
import { COMMON_AGENCY_POLICIES, SYSTEM_POLICY_IDS } from '../../store/policies/system-policies.js';
import { UsersRepository } from '../../store/users/users.repository.js';
import { type AuthorizedUserType } from '../../store/authorizations/authorization.entity.js';
import {
  agencyExpired,
  AllUsersNeedsRootError,
  AlreadyAuthorizedError,
  AuthorizationErrorCode,
  invalidTarget,
  targetNotFound,
} from '../../store/authorizations/authorizations.errors.js';
import { authorizationGranted } from '../../store/authorizations/authorizations.events.js';
import {
  type AuthorizationWithAgency,
  AuthorizationsRepository,
} from '../../store/authorizations/authorizations.repository.js';
import { CoveredUsers } from '../covered-users.js';
import { type GrantAuthorizationRequest } from '../dto/authorization.dto.js';

interface Target {
  userType: AuthorizedUserType;
  userId: string | null;
  userName: string | null;
}

/**
 * Adds a ModelArts authorization (seed 002 section 2.2): an IAM user, a federated user, an
 * agency or all users may then use ModelArts, which acts through an existing agency or a new
 * one named by the console's rules.
 */
@Injectable()
export class GrantAuthorization {
  constructor(
    private readonly transactions: IamTransactions,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesRepository,
    private readonly authorizations: AuthorizationsRepository,
    private readonly provisioner: AgencyProvisioner,
    private readonly covered: CoveredUsers,
  ) {}

  async execute(
    { caller, requestId }: RequestContext,
    input: GrantAuthorizationRequest,
  ): Promise<AuthorizationWithAgency> {
    checkShape(input);
    // Seed 002 section 2.2: only the account itself can authorize all of its users.
    if (input.user_type === 'all_users' && !caller.root) throw new AllUsersNeedsRootError();
    const { accountId } = caller;
    return this.transactions.run(accountId, requestId, async (tx) => {
      const target = await this.target(tx, accountId, input);
      const existing = await this.authorizations.findTarget(tx.manager, accountId, target);
      if (existing) throw new AlreadyAuthorizedError(describe(target), existing.id);
      const agency = await this.agency(tx, accountId, target, input);
      const created = await this.authorizations.insert(tx.manager, {
        accountId,
        ...target,
        agencyId: agency.id,
      });
      const granted = { ...created, agency };
      tx.emit(authorizationGranted(granted));
      tx.permissionsChanged(await this.covered.of(granted, tx.manager));
      return granted;
    });
  }

  private async target(
    tx: IamTransaction,
    accountId: string,
    input: GrantAuthorizationRequest,
  ): Promise<Target> {
    const name = input.authorized_to ?? null;
    if (input.user_type === 'iam_user') {
      const user = await this.users.findByName(accountId, name ?? '', tx.manager);
      if (!user) throw targetNotFound(`authorized_to names no IAM user of the account: ${name}`);
      return { userType: 'iam_user', userId: user.id, userName: user.name };
    }
    if (input.user_type === 'agency') {
      const agency = await this.agencies.findByName(accountId, name ?? '', tx.manager);
      if (!agency) throw targetNotFound(`authorized_to names no agency of the account: ${name}`);
      return { userType: 'agency', userId: null, userName: agency.name };
    }
    return { userType: input.user_type, userId: null, userName: name };
  }

  private async agency(
    tx: IamTransaction,
    accountId: string,
    target: Target,
    input: GrantAuthorizationRequest,
  ): Promise<AgencyEntity> {
    if (input.agency_id) {
      const agency = await this.agencies.findById(accountId, input.agency_id, tx.manager);
      if (!agency) {
        throw fieldError(
          AuthorizationErrorCode.TargetNotFound,
          'agency_id',
          'agency_id names no agency of the account',
        );
      }
      if (isExpired(agency)) throw agencyExpired(agency.name);
      return agency;
    }
    const spec = input.new_agency ?? {};
    return this.provisioner.create(
      tx,
      accountId,
      {
        name: spec.name,
        defaultName: defaultAgencyName(target),
        description: spec.description ?? 'Created by ModelArts service.',
        validityPeriod: spec.validity_period ?? 'unlimited',
        policyIds: spec.policy_ids ?? COMMON_AGENCY_POLICIES.map((p) => SYSTEM_POLICY_IDS[p]),
      },
      'new_agency.policy_ids',
    );
  }
}

/** Field rules that depend on user_type (seed 002 Table 2-2). */
function checkShape(input: GrantAuthorizationRequest): void {
  if (input.user_type === 'all_users' && input.authorized_to !== undefined) {
    throw invalidTarget('authorized_to must be absent when user_type is all_users');
  }
  if (input.user_type !== 'all_users' && input.authorized_to === undefined) {
    throw invalidTarget(`authorized_to is required when user_type is ${input.user_type}`);
  }
  if (input.agency_id !== undefined && input.new_agency !== undefined) {
    throw fieldError(
      AuthorizationErrorCode.InvalidTarget,
      'new_agency',
      'new_agency must be absent when agency_id names an existing agency',
    );
  }
}

function describe(target: Target): string {
  return target.userType === 'all_users' ? 'All users' : `${target.userType} ${target.userName}`;
}
