import {
  type EventInput,
  GroupCreatedSchema,
  GroupDeletedSchema,
  GroupMembershipChangedSchema,
} from '@maas/events';
import { type GroupEntity } from './group.entity.js';

const aggregate = (group: { id: string; accountId: string }) => ({
  accountId: group.accountId,
  aggregateType: 'group',
  aggregateId: group.id,
});

export const groupCreated = (group: GroupEntity): EventInput<typeof GroupCreatedSchema> => ({
  schema: GroupCreatedSchema,
  payload: { groupId: group.id, accountId: group.accountId, name: group.name },
  ...aggregate(group),
});

export const groupDeleted = (group: GroupEntity): EventInput<typeof GroupDeletedSchema> => ({
  schema: GroupDeletedSchema,
  payload: { groupId: group.id, accountId: group.accountId, name: group.name },
  ...aggregate(group),
});

export const membershipChanged = (
  m: { groupId: string; accountId: string; userId: string },
  member: boolean,
): EventInput<typeof GroupMembershipChangedSchema> => ({
  schema: GroupMembershipChangedSchema,
  payload: { groupId: m.groupId, accountId: m.accountId, userId: m.userId, member },
  ...aggregate({ id: m.groupId, accountId: m.accountId }),
});
