import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AccountChangedSchema,
  AccountCreatedSchema,
  type EventInput,
  ProjectChangedSchema,
  ProjectCreatedSchema,
} from '@maas/events';
import { type AccountEntity } from './account.entity.js';
import { type ProjectEntity } from './project.entity.js';

export const accountCreated = (
  account: AccountEntity,
): EventInput<typeof AccountCreatedSchema> => ({
  schema: AccountCreatedSchema,
  payload: { accountId: account.id, name: account.name },
  accountId: account.id,
  aggregateType: 'account',
  aggregateId: account.id,
});

/**
 * The account's snapshot (frozen or not, with its version): published at creation and on
 * every freeze or unfreeze; the gateways refuse a frozen account's calls with 81006.
 */
export const accountChanged = (
  account: AccountEntity,
): EventInput<typeof AccountChangedSchema> => ({
  schema: AccountChangedSchema,
  payload: {
    accountId: account.id,
    name: account.name,
    frozen: account.frozen,
    version: BigInt(account.version),
    ...(account.frozen && account.frozenAt
      ? { frozenAt: timestampFromDate(account.frozenAt), frozenReason: account.frozenReason }
      : {}),
  },
  accountId: account.id,
  aggregateType: 'account',
  aggregateId: account.id,
});

/** A new project: the fine-grained event and its first snapshot. */
export const projectCreated = (project: ProjectEntity): EventInput[] => [
  {
    schema: ProjectCreatedSchema,
    payload: {
      projectId: project.id,
      accountId: project.accountId,
      region: project.region,
      name: project.name,
    },
    accountId: project.accountId,
    projectId: project.id,
    aggregateType: 'project',
    aggregateId: project.id,
  } satisfies EventInput<typeof ProjectCreatedSchema>,
  {
    schema: ProjectChangedSchema,
    payload: {
      projectId: project.id,
      accountId: project.accountId,
      region: project.region,
      name: project.name,
      deleted: false,
    },
    accountId: project.accountId,
    projectId: project.id,
    aggregateType: 'project',
    aggregateId: project.id,
  } satisfies EventInput<typeof ProjectChangedSchema>,
];
