import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { UserEntity } from '../users/user.entity.js';
import { GroupMemberEntity } from './group-member.entity.js';
import { GroupEntity } from './group.entity.js';
import { GroupNameTakenError } from './groups.errors.js';

/** Every query on groups and memberships lives here. */
@Injectable()
export class GroupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(
    manager: EntityManager,
    group: Pick<GroupEntity, 'accountId' | 'name' | 'description'>,
  ): Promise<GroupEntity> {
    try {
      const repo = manager.getRepository(GroupEntity);
      return await repo.save(repo.create(group));
    } catch (error) {
      if (isUniqueViolation(error, 'groups_account_name_key'))
        throw new GroupNameTakenError(group.name);
      throw error;
    }
  }

  async findById(
    accountId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<GroupEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(GroupEntity, { id, accountId });
  }

  list(accountId: string): Promise<GroupEntity[]> {
    return this.db().find(GroupEntity, {
      where: { accountId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(GroupEntity, { id });
  }

  /** Adds a member; false when the user already was one. */
  async addMember(
    manager: EntityManager,
    member: Pick<GroupMemberEntity, 'groupId' | 'userId' | 'accountId'>,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(GroupMemberEntity)
      .values(member)
      .orIgnore()
      .returning('group_id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** Removes a member; false when the user was not one. */
  async removeMember(manager: EntityManager, groupId: string, userId: string): Promise<boolean> {
    const result = await manager.delete(GroupMemberEntity, { groupId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Empties a group; returns the ids of the users who were in it. */
  async removeAllMembers(manager: EntityManager, groupId: string): Promise<string[]> {
    const members = await manager.find(GroupMemberEntity, { where: { groupId } });
    await manager.delete(GroupMemberEntity, { groupId });
    return members.map((m) => m.userId);
  }

  /** Takes a user out of every group; returns the ids of those groups. */
  async removeFromAllGroups(manager: EntityManager, userId: string): Promise<string[]> {
    const memberships = await manager.find(GroupMemberEntity, { where: { userId } });
    await manager.delete(GroupMemberEntity, { userId });
    return memberships.map((m) => m.groupId);
  }

  /** The group's members, by name. */
  members(groupId: string): Promise<UserEntity[]> {
    return this.db()
      .createQueryBuilder(UserEntity, 'u')
      .innerJoin(GroupMemberEntity, 'gm', 'gm.userId = u.id')
      .where('gm.groupId = :groupId', { groupId })
      .orderBy('u.name')
      .getMany();
  }
}
