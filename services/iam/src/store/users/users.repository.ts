import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '@maas/database';
import { GroupMemberEntity } from '../groups/group-member.entity.js';
import { UserEntity } from './user.entity.js';
import { UserNameTakenError } from './users.errors.js';

export interface NewUser {
  accountId: string;
  name: string;
  root: boolean;
  passwordHash: string | null;
  description?: string;
}

/** Every query on users lives here. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private db(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts a user; a name taken in the account (any case) is a UserNameTakenError. */
  async insert(manager: EntityManager, user: NewUser): Promise<UserEntity> {
    try {
      const repo = manager.getRepository(UserEntity);
      const saved = await repo.save(repo.create({ description: '', ...user }));
      saved.passwordHash = null; // never handed around
      return saved;
    } catch (error) {
      if (isUniqueViolation(error, 'users_account_name_key'))
        throw new UserNameTakenError(user.name);
      throw error;
    }
  }

  /** A user of the account by id; another account's (or a malformed) id finds nothing. */
  async findById(
    accountId: string,
    id: string,
    manager?: EntityManager,
  ): Promise<UserEntity | null> {
    if (!isUUID(id)) return null;
    return this.db(manager).findOneBy(UserEntity, { id, accountId });
  }

  /** A user of the account by name, case-insensitively. */
  findByName(accountId: string, name: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.db(manager)
      .createQueryBuilder(UserEntity, 'u')
      .where('u.accountId = :accountId', { accountId })
      .andWhere('lower(u.name) = lower(:name)', { name })
      .getOne();
  }

  /** The user with their password hash, for sign-in only. */
  findForSignIn(accountId: string, name: string): Promise<UserEntity | null> {
    return this.dataSource.manager
      .createQueryBuilder(UserEntity, 'u')
      .addSelect('u.passwordHash')
      .where('u.accountId = :accountId', { accountId })
      .andWhere('lower(u.name) = lower(:name)', { name })
      .getOne();
  }

  findRoot(accountId: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.db(manager).findOneBy(UserEntity, { accountId, root: true });
  }

  list(accountId: string): Promise<UserEntity[]> {
    return this.dataSource.manager.find(UserEntity, {
      where: { accountId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: { passwordHash?: string; description?: string },
  ): Promise<void> {
    await manager.update(UserEntity, { id }, changes);
  }

  /** Ids of the groups the user belongs to. */
  async groupIdsOf(userId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await this.db(manager).find(GroupMemberEntity, {
      where: { userId },
      select: { groupId: true },
    });
    return rows.map((r) => r.groupId);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(UserEntity, { id });
  }
}
