import { Global, Module } from '@nestjs/common';
import { AccountsRepository } from './store/accounts/accounts.repository.js';
import { AgenciesRepository } from './store/agencies/agencies.repository.js';
import { AGENCY_NAME_SUFFIX, randomAgencyNameSuffix } from './agencies/agency-naming.js';
import { AgencyProvisioner } from './agencies/agency-provisioner.js';
import { AuthorizationsRepository } from './store/authorizations/authorizations.repository.js';
import { GroupsRepository } from './store/groups/groups.repository.js';
import { PermissionSnapshots } from './store/permissions/permission-snapshots.js';
import { PermissionsRepository } from './store/permissions/permissions.repository.js';
import { AttachmentsRepository } from './store/policies/attachments.repository.js';
import { PoliciesRepository } from './store/policies/policies.repository.js';
import { AccessKeysRepository } from './store/users/access-keys.repository.js';
import { PasswordHasher } from './credentials/password-hasher.js';
import { UsersRepository } from './store/users/users.repository.js';
import { IamTransactions } from './transactions/iam-transactions.js';

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
 * What every feature shares: the repositories (store/: each owns its aggregate's queries;
 * they depend on the DataSource only, so features use each other's without module cycles),
 * the transaction runner with its permission snapshots, the password hasher, and agency
 * creation (used by agencies and authorizations alike). Wiring, so it lives in src/ with the
 * app module: it names a feature's provider (AgencyProvisioner), and no folder imports it.
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
