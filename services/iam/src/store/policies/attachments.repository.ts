import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AgencyPolicyEntity, GroupPolicyEntity } from './attachment.entity.js';
import { PolicyEntity } from './policy.entity.js';

/** What a policy is attached to. */
export type Principal = { kind: 'group'; id: string } | { kind: 'agency'; id: string };

export interface AttachmentScope {
  scopeGlobal: boolean;
  projectIds: string[];
}

/** An attachment with its policy. */
export interface AttachedPolicy extends AttachmentScope {
  policy: PolicyEntity;
  updatedAt: Date;
}

type AttachmentEntity = typeof GroupPolicyEntity | typeof AgencyPolicyEntity;

function tableOf(principal: Principal): { entity: AttachmentEntity; key: 'groupId' | 'agencyId' } {
  switch (principal.kind) {
    case 'group':
      return { entity: GroupPolicyEntity, key: 'groupId' };
    case 'agency':
      return { entity: AgencyPolicyEntity, key: 'agencyId' };
  }
}

/** Every query on policy attachments (to groups and to agencies) lives here. */
@Injectable()
export class AttachmentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Attaches, or changes the scope of an existing attachment. */
  async upsert(
    manager: EntityManager,
    principal: Principal,
    attachment: AttachmentScope & { policyId: string; accountId: string },
  ): Promise<void> {
    const { entity, key } = tableOf(principal);
    await manager
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values({ ...attachment, [key]: principal.id })
      .orUpdate(
        ['scope_global', 'project_ids', 'updated_at'],
        [key === 'groupId' ? 'group_id' : 'agency_id', 'policy_id'],
      )
      .execute();
  }

  /** Detaches; false when it was not attached. */
  async delete(manager: EntityManager, principal: Principal, policyId: string): Promise<boolean> {
    const { entity, key } = tableOf(principal);
    const result = await manager.delete(entity, { [key]: principal.id, policyId });
    return (result.affected ?? 0) > 0;
  }

  /** Detaches everything from the principal; returns what was attached. */
  async deleteAll(manager: EntityManager, principal: Principal): Promise<PolicyEntity[]> {
    const attached = await this.list(principal, manager);
    const { entity, key } = tableOf(principal);
    await manager.delete(entity, { [key]: principal.id });
    return attached.map((a) => a.policy);
  }

  /** The principal's attachments with their policies, by policy name. */
  async list(principal: Principal, manager?: EntityManager): Promise<AttachedPolicy[]> {
    const { entity, key } = tableOf(principal);
    const rows = await (manager ?? this.dataSource.manager)
      .createQueryBuilder(entity, 'x')
      .innerJoinAndMapOne('x.policy', PolicyEntity, 'p', 'p.id = x.policyId')
      .where(`x.${key} = :id`, { id: principal.id })
      .orderBy('p.name')
      .getMany();
    return (rows as (InstanceType<AttachmentEntity> & { policy: PolicyEntity })[]).map((r) => ({
      policy: r.policy,
      scopeGlobal: r.scopeGlobal,
      projectIds: r.projectIds,
      updatedAt: r.updatedAt,
    }));
  }

  async find(
    principal: Principal,
    policyId: string,
    manager?: EntityManager,
  ): Promise<AttachedPolicy | undefined> {
    return (await this.list(principal, manager)).find((a) => a.policy.id === policyId);
  }
}
