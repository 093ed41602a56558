import { Global, Module } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { AGENCY_NAME_SUFFIX, randomAgencyNameSuffix } from '../agencies/agency-naming.js';
import { AgencyProvisioner } from '../agencies/agency-provisioner.js';
import { AuthorizationsRepository } from '../authorizations/authorizations.repository.js';
import { GroupsRepository } from '../groups/groups.repository.js';
import { PermissionSnapshots } from '../permissions/permission-snapshots.js';
import { PermissionsRepository } from '../permissions/permissions.repository.js';
import { AttachmentsRepository } from '../policies/attachments.repository.js';
import { PoliciesRepository } from '../policies/policies.repository.js';
import { AccessKeysRepository } from '../users/access-keys.repository.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersRepository } from '../users/users.repository.js';
import { IamTransactions } from './iam-transactions.js';

const REPOSITORIES = [
  AccountsRepository,
  UsersRepository,
  AccessKeysRepository,
  GroupsRepository,
  PoliciesRepository,
  AttachmentsRepository,
  AgenciesRepository,
  AuthorizationsRepository,
  PermissionsRepository,
];

/**
 * What every feature shares: the repositories (each owns its feature's queries; they depend
 * on the DataSource only, so features use each other's without module cycles), the
 * transaction runner with its permission snapshots, the password hasher, and agency
 * creation (used by agencies and authorizations alike).
 */
@Global()
@Module({
  providers: [
    ...REPOSITORIES,
    IamTransactions,
    PermissionSnapshots,
    PasswordHasher,
    AgencyProvisioner,
    { provide: AGENCY_NAME_SUFFIX, useValue: randomAgencyNameSuffix },
  ],
  exports: [...REPOSITORIES, IamTransactions, PasswordHasher, AgencyProvisioner],
})
export class CoreModule {}
