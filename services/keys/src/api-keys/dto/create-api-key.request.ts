import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Length,
  Matches,
  registerDecorator,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { parseCidr } from '@maas/api-keys';

/** Seed 002 Table 5-1: 1-100 letters, digits, underscores and hyphens. */
export const TAG_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/** Each element is an IPv4 or IPv6 CIDR (address/prefix). */
function IsCidr(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCidr',
      target: target.constructor,
      propertyName,
      options: {
        message: `each of ${propertyName} must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32`,
        each: true,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseCidr(value) !== undefined,
      },
    });
}

/**
 * service_ids goes with all_services = false (then it names at least one service) and only
 * with it: a key bound to all services with a list would be ambiguous.
 */
function MatchesAccess() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'matchesAccess',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args) => {
          const bound = (args?.object as { all_services?: boolean }).all_services === false;
          return bound ? Array.isArray(value) && value.length > 0 : value === undefined;
        },
        defaultMessage: (args) =>
          (args?.object as { all_services?: boolean }).all_services === false
            ? 'service_ids must name at least one service when all_services is false'
            : 'service_ids is only allowed with all_services = false',
      },
    });
}

export class CreateApiKeyRequest {
  @ApiProperty({
    description:
      'Unique in the account; 1-100 letters, digits, underscores (_) and hyphens (-). Cannot be changed.',
    example: 'chat-app-prod',
  })
  @IsString()
  @Matches(TAG_PATTERN, {
    message: 'tag must be 1-100 characters: letters, digits, underscores (_) and hyphens (-)',
  })
  tag!: string;

  @ApiProperty({
    description: '1-100 characters. Cannot be changed.',
    example: 'Production chat front end',
  })
  @IsString()
  @Length(1, 100, { message: 'description must be 1-100 characters' })
  description!: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'Application access: true = every service of the project (and preset services); false = only service_ids',
  })
  @IsOptional()
  @IsBoolean()
  all_services?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description:
      'With all_services = false: the 1-100 services the key may call. Not allowed otherwise.',
  })
  @ValidateIf((o: CreateApiKeyRequest) => o.all_services === false || o.service_ids !== undefined)
  @MatchesAccess()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'service_ids must not repeat a service' })
  @IsString({ each: true })
  @Length(1, 64, { each: true, message: 'each of service_ids must be 1-64 characters' })
  service_ids?: string[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'Client addresses the key may be used from (IPv4/IPv6 CIDRs, at most 20); absent = anywhere',
    example: ['203.0.113.0/24'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsCidr()
  allowed_cidrs?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Model names the key may ask for (at most 50); absent = any',
    example: ['DeepSeek-R1'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 128, { each: true, message: 'each of allowed_models must be 1-128 characters' })
  allowed_models?: string[];
}
