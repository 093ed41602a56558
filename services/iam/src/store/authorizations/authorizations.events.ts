import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AuthorizationGrantedSchema,
  AuthorizationRevokedSchema,
  AuthorizedUserType as ProtoUserType,
  type EventInput,
} from '@maas/events';
import { assertUnreachable } from '@maas/errors';
import { type AgencyEntity } from '../agencies/agency.entity.js';
import { type AuthorizationEntity, type AuthorizedUserType } from './authorization.entity.js';

export function protoUserType(type: AuthorizedUserType): ProtoUserType {
  switch (type) {
    case 'iam_user':
      return ProtoUserType.IAM_USER;
    case 'federated_user':
      return ProtoUserType.FEDERATED_USER;
    case 'agency':
      return ProtoUserType.AGENCY;
    case 'all_users':
      return ProtoUserType.ALL_USERS;
    default:
      return assertUnreachable(type, 'authorized user type');
  }
}

type WithAgency = AuthorizationEntity & { agency: AgencyEntity };

const common = (z: WithAgency) => ({
  authorizationId: z.id,
  accountId: z.accountId,
  userType: protoUserType(z.userType),
  userId: z.userId ?? '',
  userName: z.userName ?? '',
  agencyName: z.agency.name,
  agencyId: z.agency.id,
});

const aggregate = (z: WithAgency) => ({
  accountId: z.accountId,
  aggregateType: 'authorization',
  aggregateId: z.id,
});

export const authorizationGranted = (
  z: WithAgency,
): EventInput<typeof AuthorizationGrantedSchema> => ({
  schema: AuthorizationGrantedSchema,
  payload: {
    ...common(z),
    ...(z.agency.expiresAt ? { expiresAt: timestampFromDate(z.agency.expiresAt) } : {}),
  },
  ...aggregate(z),
});

export const authorizationRevoked = (
  z: WithAgency,
): EventInput<typeof AuthorizationRevokedSchema> => ({
  schema: AuthorizationRevokedSchema,
  payload: common(z),
  ...aggregate(z),
});
