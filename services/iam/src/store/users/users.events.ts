import { type EventInput, UserCreatedSchema, UserDeletedSchema } from '@maas/events';
import { type UserEntity } from './user.entity.js';

type User = Pick<UserEntity, 'id' | 'accountId' | 'name' | 'root'>;

export const userCreated = (user: User): EventInput<typeof UserCreatedSchema> => ({
  schema: UserCreatedSchema,
  payload: { userId: user.id, accountId: user.accountId, name: user.name, root: user.root },
  accountId: user.accountId,
  aggregateType: 'user',
  aggregateId: user.id,
});

export const userDeleted = (user: User): EventInput<typeof UserDeletedSchema> => ({
  schema: UserDeletedSchema,
  payload: { userId: user.id, accountId: user.accountId, name: user.name },
  accountId: user.accountId,
  aggregateType: 'user',
  aggregateId: user.id,
});
