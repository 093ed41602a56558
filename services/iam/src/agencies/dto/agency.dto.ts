import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { AttachedPolicyResponse } from '../../policies/dto/attachment.dto.js';
import { type AttachedPolicy } from '../../store/policies/attachments.repository.js';
import { type AgencyEntity } from '../../store/agencies/agency.entity.js';
import { isExpired, VALIDITY_PERIOD_PATTERN } from '../validity-period.js';

export const AGENCY_NAME_PATTERN = /^[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]*[A-Za-z0-9_.-])?$/;
const AGENCY_NAME_MESSAGE = 'name must be 1-64 letters, digits, spaces, -, _ or .';
const VALIDITY_MESSAGE =
  'validity_period must be "unlimited" or a number of days or hours such as "30d" or "12h"';

export class CreateAgencyRequest {
  @ApiProperty({ minLength: 1, maxLength: 64, example: 'modelarts_agency' })
  @IsString()
  @Length(1, 64)
  @Matches(AGENCY_NAME_PATTERN, { message: AGENCY_NAME_MESSAGE })
  name!: string;

  @ApiPropertyOptional({ maxLength: 255, example: 'Created by ModelArts service.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({
    description: '"unlimited" (default), or N days / hours: "30d", "12h"',
    pattern: VALIDITY_PERIOD_PATTERN.source,
    example: 'unlimited',
  })
  @IsOptional()
  @Matches(VALIDITY_PERIOD_PATTERN, { message: VALIDITY_MESSAGE })
  validity_period?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Policies to attach with a global scope (system or custom policy ids)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'each of policy_ids must be a UUID' })
  policy_ids?: string[];
}

export class UpdateAgencyRequest {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({
    description: 'A new validity period, counted from now',
    pattern: VALIDITY_PERIOD_PATTERN.source,
  })
  @IsOptional()
  @Matches(VALIDITY_PERIOD_PATTERN, { message: VALIDITY_MESSAGE })
  validity_period?: string;
}

export class AgencyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ma_agency_alice' })
  name!: string;

  @ApiProperty({ example: 'cloud_service' })
  type!: string;

  @ApiProperty({ example: 'ModelArts' })
  trusted_service!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ example: 'unlimited' })
  validity_period!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expires_at!: string | null;

  @ApiProperty({ description: 'True once the validity period has passed' })
  expired!: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiPropertyOptional({ type: [AttachedPolicyResponse] })
  policies?: AttachedPolicyResponse[];

  static from(agency: AgencyEntity, policies?: AttachedPolicy[]): AgencyResponse {
    return {
      id: agency.id,
      name: agency.name,
      type: agency.type,
      trusted_service: agency.trustedService,
      description: agency.description,
      validity_period: agency.validityPeriod,
      expires_at: agency.expiresAt?.toISOString() ?? null,
      expired: isExpired(agency),
      created_at: agency.createdAt.toISOString(),
      ...(policies ? { policies: policies.map((p) => AttachedPolicyResponse.of(p)) } : {}),
    };
  }
}

export class AgencyListResponse {
  @ApiProperty({ type: [AgencyResponse] })
  agencies!: AgencyResponse[];
}
