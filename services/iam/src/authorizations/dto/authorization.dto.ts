import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AGENCY_NAME_PATTERN } from '../../agencies/dto/agency.dto.js';
import { VALIDITY_PERIOD_PATTERN } from '../../agencies/validity-period.js';
import { AttachedPolicyResponse } from '../../policies/dto/attachment.dto.js';
import { type AttachedPolicy } from '../../store/policies/attachments.repository.js';
import { isExpired } from '../../agencies/validity-period.js';
import {
  AUTHORIZED_USER_TYPES,
  type AuthorizedUserType,
} from '../../store/authorizations/authorization.entity.js';
import { type AuthorizationWithAgency } from '../../store/authorizations/authorizations.repository.js';

export class NewAgencyRequest {
  @ApiPropertyOptional({
    description:
      'Default: ma_agency_<IAM user name> for an IAM user, modelarts_agency otherwise, with a ' +
      'random 4-digit suffix when taken. An explicit name must be free.',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(AGENCY_NAME_PATTERN, {
    message: 'new_agency.name must be letters, digits, spaces, -, _ or .',
  })
  name?: string;

  @ApiPropertyOptional({ maxLength: 255, default: 'Created by ModelArts service.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ default: 'unlimited', pattern: VALIDITY_PERIOD_PATTERN.source })
  @IsOptional()
  @Matches(VALIDITY_PERIOD_PATTERN, {
    message: 'new_agency.validity_period must be "unlimited" or days/hours such as "30d", "12h"',
  })
  validity_period?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'Policies of the agency. Default ("common user"): ModelArts CommonOperations, OBS ' +
      'OperateAccess, SWR OperateAccess, CES FullAccess, SMN FullAccess.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'each of new_agency.policy_ids must be a UUID' })
  policy_ids?: string[];
}

export class GrantAuthorizationRequest {
  @ApiProperty({ enum: AUTHORIZED_USER_TYPES, description: 'Who is authorized' })
  @IsIn(AUTHORIZED_USER_TYPES, {
    message: `user_type must be one of ${AUTHORIZED_USER_TYPES.join(', ')}`,
  })
  user_type!: AuthorizedUserType;

  @ApiPropertyOptional({
    description:
      'The IAM user name (must exist), federated user name, or agency name (must exist); ' +
      'absent for all_users',
    maxLength: 64,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  authorized_to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Use this existing agency ...' })
  @IsOptional()
  @IsUUID('all', { message: 'agency_id must be a UUID' })
  agency_id?: string;

  @ApiPropertyOptional({
    type: NewAgencyRequest,
    description: '... or create a new one (the default when agency_id is absent)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NewAgencyRequest)
  new_agency?: NewAgencyRequest;
}

export class AuthorizationAgencyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ma_agency_alice' })
  name!: string;

  @ApiProperty({ example: 'unlimited' })
  validity_period!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expires_at!: string | null;

  @ApiProperty()
  expired!: boolean;

  @ApiProperty({ type: [AttachedPolicyResponse] })
  policies!: AttachedPolicyResponse[];
}

export class AuthorizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: AUTHORIZED_USER_TYPES })
  user_type!: AuthorizedUserType;

  @ApiProperty({ nullable: true, type: String, description: 'Null for all_users' })
  authorized_to!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The IAM user (iam_user)',
  })
  user_id!: string | null;

  @ApiProperty({ type: AuthorizationAgencyResponse })
  agency!: AuthorizationAgencyResponse;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  static from(z: AuthorizationWithAgency, policies: AttachedPolicy[]): AuthorizationResponse {
    return {
      id: z.id,
      user_type: z.userType,
      authorized_to: z.userName,
      user_id: z.userId,
      agency: {
        id: z.agency.id,
        name: z.agency.name,
        validity_period: z.agency.validityPeriod,
        expires_at: z.agency.expiresAt?.toISOString() ?? null,
        expired: isExpired(z.agency),
        policies: policies.map((p) => AttachedPolicyResponse.of(p)),
      },
      created_at: z.createdAt.toISOString(),
    };
  }
}

export class AuthorizationListResponse {
  @ApiProperty({ type: [AuthorizationResponse] })
  authorizations!: AuthorizationResponse[];
}

export class ClearedAuthorizationsResponse {
  @ApiProperty({ description: 'How many authorizations were deleted' })
  deleted!: number;
}
