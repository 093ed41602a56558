import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AgencyCreatedSchema,
  AgencyDeletedSchema,
  AgencyUpdatedSchema,
  type EventInput,
} from '@maas/events';
import { type AgencyEntity } from './agency.entity.js';

const agencyMessage = (agency: AgencyEntity) => ({
  agencyId: agency.id,
  accountId: agency.accountId,
  name: agency.name,
  type: agency.type,
  trustedService: agency.trustedService,
  validityPeriod: agency.validityPeriod,
  ...(agency.expiresAt ? { expiresAt: timestampFromDate(agency.expiresAt) } : {}),
});

const aggregate = (agency: AgencyEntity) => ({
  accountId: agency.accountId,
  aggregateType: 'agency',
  aggregateId: agency.id,
});

export const agencyCreated = (agency: AgencyEntity): EventInput<typeof AgencyCreatedSchema> => ({
  schema: AgencyCreatedSchema,
  payload: { agency: agencyMessage(agency) },
  ...aggregate(agency),
});

export const agencyUpdated = (agency: AgencyEntity): EventInput<typeof AgencyUpdatedSchema> => ({
  schema: AgencyUpdatedSchema,
  payload: { agency: agencyMessage(agency) },
  ...aggregate(agency),
});

export const agencyDeleted = (agency: AgencyEntity): EventInput<typeof AgencyDeletedSchema> => ({
  schema: AgencyDeletedSchema,
  payload: { agencyId: agency.id, accountId: agency.accountId, name: agency.name },
  ...aggregate(agency),
});
