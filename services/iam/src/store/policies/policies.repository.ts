import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { type PolicyDocument } from '@maas/auth';
import { isUniqueViolation } from '@maas/database';
import { AgencyPolicyEntity, GroupPolicyEntity } from './attachment.entity.js';
import { PolicyNameTakenError } from './policies.errors.js';
import { PolicyEntity } from './policy.entity.js';

/** Every query on policies lives here. */
@Injectable()
export class PoliciesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(
    manager: EntityManager,
    policy: { accountId: string; name: string; description: string; document: PolicyDocument },
  ): Promise<PolicyEntity> {
    try {
      const repo = manager.getRepository(PolicyEntity);
      return await repo.save(repo.create({ ...policy, system: false }));
    } catch (error) {
      if (isUniqueViolation(error, 'policies_account_name_key'))
        throw new PolicyNameTakenError(policy.name);
      throw error;
    }
  }

  /** A policy the account can see: a system policy or one of its own. */
  async findVisible(
    accountId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<PolicyEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager)
      .createQueryBuilder(PolicyEntity, 'p')
      .where('p.id = :id', { id })
      .andWhere(
        new Brackets((q) => q.where('p.system').orWhere('p.accountId = :accountId', { accountId })),
      )
      .getOne();
  }

  /** System policies first, then the account's own, by name. */
  list(accountId: string): Promise<PolicyEntity[]> {
    return this.db()
      .createQueryBuilder(PolicyEntity, 'p')
      .where('p.system')
      .orWhere('p.accountId = :accountId', { accountId })
      .orderBy('p.system', 'DESC')
      .addOrderBy('p.name')
      .getMany();
  }

  async update(
    manager: EntityManager,
    policy: PolicyEntity,
    changes: Partial<Pick<PolicyEntity, 'name' | 'description' | 'document'>>,
  ): Promise<PolicyEntity> {
    try {
      return await manager.getRepository(PolicyEntity).save({ ...policy, ...changes });
    } catch (error) {
      if (isUniqueViolation(error, 'policies_account_name_key')) {
        throw new PolicyNameTakenError(changes.name ?? policy.name);
      }
      throw error;
    }
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(PolicyEntity, { id });
  }

  /** How many groups and agencies the policy is attached to. */
  async attachmentCount(policyId: string, manager: EntityManager): Promise<number> {
    const [groups, agencies] = await Promise.all([
      manager.countBy(GroupPolicyEntity, { policyId }),
      manager.countBy(AgencyPolicyEntity, { policyId }),
    ]);
    return groups + agencies;
  }
}
