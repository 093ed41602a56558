import { type DataSourceOptions } from 'typeorm';
import { serviceDataSourceOptions } from '@maas/database';
import { AccountEntity } from '../store/accounts/account.entity.js';
import { ProjectEntity } from '../store/accounts/project.entity.js';
import { AgencyEntity } from '../store/agencies/agency.entity.js';
import { AuthorizationEntity } from '../store/authorizations/authorization.entity.js';
import { type DatabaseConfig } from '../config.js';
import { GroupMemberEntity } from '../store/groups/group-member.entity.js';
import { GroupEntity } from '../store/groups/group.entity.js';
import { MIGRATIONS } from '../migrations/index.js';
import { AgencyPolicyEntity, GroupPolicyEntity } from '../store/policies/attachment.entity.js';
import { PolicyEntity } from '../store/policies/policy.entity.js';
import { AccessKeyEntity } from '../store/users/access-key.entity.js';
import { UserEntity } from '../store/users/user.entity.js';

/** Every entity of the IAM schema; no other service's entity is ever listed here. */
export const ENTITIES = [
  AccountEntity,
  ProjectEntity,
  UserEntity,
  AccessKeyEntity,
  GroupEntity,
  GroupMemberEntity,
  PolicyEntity,
  GroupPolicyEntity,
  AgencyPolicyEntity,
  AgencyEntity,
  AuthorizationEntity,
];

/** The one DataSource definition, used by the app, the migrate entrypoint and tests. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  return serviceDataSourceOptions({
    config,
    service: 'iam',
    entities: ENTITIES,
    migrations: MIGRATIONS,
  });
}
