import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type PolicyDocument } from '@maas/auth';
import { AccountEntity } from '../accounts/account.entity.js';
import { ProjectEntity } from '../accounts/project.entity.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuthorizationEntity } from '../authorizations/authorization.entity.js';
import { GroupMemberEntity } from '../groups/group-member.entity.js';
import { AgencyPolicyEntity, GroupPolicyEntity } from '../policies/attachment.entity.js';
import { PolicyEntity } from '../policies/policy.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** A policy a user holds through one of their groups, with the attachment's scope. */
export interface HeldPolicy {
  groupId: string;
  policyId: string;
  name: string;
  document: PolicyDocument;
  scopeGlobal: boolean;
  projectIds: string[];
}

/** A user as a permission snapshot names them. */
export interface SnapshotSubject {
  id: string;
  accountId: string;
  accountName: string;
  name: string;
  root: boolean;
}

interface HeldPolicyRow {
  group_id: string;
  policy_id: string;
  name: string;
  document: PolicyDocument;
  scope_global: boolean;
  project_ids: string[] | string;
}

/** node-postgres parses uuid[] into arrays; a raw select may hand back the literal. */
function uuidArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}

/**
 * Queries of derived permission data, across the features' tables: what a user holds, who
 * is affected by a change, what authorizations cover a user. Read-only; every write belongs
 * to its feature's repository.
 */
@Injectable()
export class PermissionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async subject(userId: string, manager?: EntityManager): Promise<SnapshotSubject | undefined> {
    const row = await this.db(manager)
      .createQueryBuilder(UserEntity, 'u')
      .innerJoin(AccountEntity, 'a', 'a.id = u.accountId')
      .select(['u.id AS id', 'u.account_id AS account_id', 'a.name AS account_name'])
      .addSelect(['u.name AS name', 'u.root AS root'])
      .where('u.id = :userId', { userId })
      .getRawOne<{
        id: string;
        account_id: string;
        account_name: string;
        name: string;
        root: boolean;
      }>();
    return row
      ? {
          id: row.id,
          accountId: row.account_id,
          accountName: row.account_name,
          name: row.name,
          root: row.root,
        }
      : undefined;
  }

  async userExists(accountId: string, userId: string): Promise<boolean> {
    return this.db().exists(UserEntity, { where: { id: userId, accountId } });
  }

  async projectBelongsTo(projectId: string, accountId: string): Promise<boolean> {
    return this.db().exists(ProjectEntity, { where: { id: projectId, accountId } });
  }

  /** The policies attached to the user's groups, one entry per (group, policy). */
  async heldPolicies(userId: string, manager?: EntityManager): Promise<HeldPolicy[]> {
    const rows = await this.db(manager)
      .createQueryBuilder(GroupPolicyEntity, 'gp')
      .innerJoin(GroupMemberEntity, 'gm', 'gm.groupId = gp.groupId')
      .innerJoin(PolicyEntity, 'p', 'p.id = gp.policyId')
      .select(['gp.group_id AS group_id', 'p.id AS policy_id', 'p.name AS name'])
      .addSelect(['p.document AS document', 'gp.scope_global AS scope_global'])
      .addSelect('gp.project_ids', 'project_ids')
      .where('gm.userId = :userId', { userId })
      .orderBy('p.name')
      .addOrderBy('gp.group_id')
      .getRawMany<HeldPolicyRow>();
    return rows.map((r) => ({
      groupId: r.group_id,
      policyId: r.policy_id,
      name: r.name,
      document: r.document,
      scopeGlobal: r.scope_global,
      projectIds: uuidArray(r.project_ids),
    }));
  }

  /** Expiry of each agency through which a ModelArts authorization covers the user (null = unlimited). */
  async coveringAuthorizations(
    accountId: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<{ agencyId: string; expiresAt: Date | null }[]> {
    const rows = await this.db(manager)
      .createQueryBuilder(AuthorizationEntity, 'z')
      .innerJoin(AgencyEntity, 'ag', 'ag.id = z.agencyId')
      .select(['ag.id AS agency_id', 'ag.expires_at AS expires_at'])
      .where('z.accountId = :accountId', { accountId })
      .andWhere("((z.userType = 'iam_user' AND z.userId = :userId) OR z.userType = 'all_users')", {
        userId,
      })
      .getRawMany<{ agency_id: string; expires_at: Date | null }>();
    return rows.map((r) => ({ agencyId: r.agency_id, expiresAt: r.expires_at }));
  }

  /** Ids of the policies attached to the given agencies. */
  async agencyPolicyIds(agencyIds: string[]): Promise<string[]> {
    if (agencyIds.length === 0) return [];
    const rows = await this.db()
      .createQueryBuilder(AgencyPolicyEntity, 'ap')
      .select('DISTINCT ap.policy_id', 'policy_id')
      .where('ap.agencyId IN (:...agencyIds)', { agencyIds })
      .getRawMany<{ policy_id: string }>();
    return rows.map((r) => r.policy_id);
  }

  async membersOfGroup(groupId: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(GroupMemberEntity, {
      where: { groupId },
      select: { userId: true },
    });
    return rows.map((r) => r.userId);
  }

  async usersHoldingPolicy(policyId: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .createQueryBuilder(GroupMemberEntity, 'gm')
      .innerJoin(GroupPolicyEntity, 'gp', 'gp.groupId = gm.groupId')
      .select('DISTINCT gm.user_id', 'user_id')
      .where('gp.policyId = :policyId', { policyId })
      .getRawMany<{ user_id: string }>();
    return rows.map((r) => r.user_id);
  }

  async usersOfAccount(accountId: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager.find(UserEntity, {
      where: { accountId },
      select: { id: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((r) => r.id);
  }

  /** Users whose ModelArts coverage goes through the agency (all of them for all_users). */
  async usersCoveredByAgency(
    accountId: string,
    agencyId: string,
    manager: EntityManager,
  ): Promise<string[]> {
    const auths = await manager.find(AuthorizationEntity, { where: { accountId, agencyId } });
    if (auths.some((a) => a.userType === 'all_users'))
      return this.usersOfAccount(accountId, manager);
    return auths.flatMap((a) => (a.userId ? [a.userId] : []));
  }
}
