import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessKeyEntity } from './access-key.entity.js';

/** Every query on access keys lives here. */
@Injectable()
export class AccessKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    key: Pick<AccessKeyEntity, 'accessKey' | 'userId' | 'accountId' | 'secretHash' | 'description'>,
  ): Promise<AccessKeyEntity> {
    const repo = manager.getRepository(AccessKeyEntity);
    const saved = await repo.save(repo.create({ ...key, lastUsedAt: null }));
    saved.secretHash = '';
    return saved;
  }

  countOfUser(userId: string, manager: EntityManager): Promise<number> {
    return manager.countBy(AccessKeyEntity, { userId });
  }

  listOfUser(userId: string): Promise<AccessKeyEntity[]> {
    return this.dataSource.manager.find(AccessKeyEntity, {
      where: { userId },
      order: { createdAt: 'ASC' },
    });
  }

  findOfUser(userId: string, accessKey: string): Promise<AccessKeyEntity | null> {
    return this.dataSource.manager.findOneBy(AccessKeyEntity, { userId, accessKey });
  }

  /** The key with its secret's hash, for sign-in only. */
  findForSignIn(accessKey: string): Promise<AccessKeyEntity | null> {
    return this.dataSource.manager
      .createQueryBuilder(AccessKeyEntity, 'k')
      .addSelect('k.secretHash')
      .where('k.accessKey = :accessKey', { accessKey })
      .getOne();
  }

  async touch(accessKey: string): Promise<void> {
    await this.dataSource.manager.update(
      AccessKeyEntity,
      { accessKey },
      { lastUsedAt: new Date() },
    );
  }

  async delete(accessKey: string): Promise<boolean> {
    const result = await this.dataSource.manager.delete(AccessKeyEntity, { accessKey });
    return (result.affected ?? 0) > 0;
  }
}
