import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const AUTH_METHODS = ['password', 'hw_ak_sk'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

class DomainRef {
  @ApiProperty({ description: 'The account (domain) name', example: 'acme' })
  @IsString()
  @Length(1, 64)
  name!: string;
}

class PasswordUser {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @Length(1, 128)
  password!: string;

  @ApiProperty({ type: DomainRef })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => DomainRef)
  domain!: DomainRef;
}

class PasswordCredential {
  @ApiProperty({ type: PasswordUser })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PasswordUser)
  user!: PasswordUser;
}

class KeyRef {
  @ApiProperty()
  @IsString()
  @Length(1, 64)
  key!: string;
}

class AccessKeyCredential {
  @ApiProperty({ type: KeyRef, description: 'The access key id (AK)' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => KeyRef)
  access!: KeyRef;

  @ApiProperty({ type: KeyRef, description: 'The secret access key (SK)', writeOnly: true })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => KeyRef)
  secret!: KeyRef;
}

class Identity {
  @ApiProperty({ enum: AUTH_METHODS, isArray: true, example: ['password'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1, { message: 'methods must name exactly one method' })
  @IsIn(AUTH_METHODS, {
    each: true,
    message: `each of methods must be one of ${AUTH_METHODS.join(', ')}`,
  })
  methods!: AuthMethod[];

  @ApiPropertyOptional({ type: PasswordCredential, description: 'With methods ["password"]' })
  @ValidateIf((o: Identity) => Array.isArray(o.methods) && o.methods.includes('password'))
  @IsDefined({ message: 'password is required with the password method' })
  @IsObject()
  @ValidateNested()
  @Type(() => PasswordCredential)
  password?: PasswordCredential;

  @ApiPropertyOptional({ type: AccessKeyCredential, description: 'With methods ["hw_ak_sk"]' })
  @ValidateIf((o: Identity) => Array.isArray(o.methods) && o.methods.includes('hw_ak_sk'))
  @IsDefined({ message: 'hw_ak_sk is required with the hw_ak_sk method' })
  @IsObject()
  @ValidateNested()
  @Type(() => AccessKeyCredential)
  hw_ak_sk?: AccessKeyCredential;
}

class ProjectRef {
  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf((o: ProjectRef) => o.name === undefined)
  @IsUUID('all', { message: 'id must be a UUID (or give the project name)' })
  id?: string;

  @ApiPropertyOptional({ description: 'The project (region) name, e.g. cn-southwest-2' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;
}

class Scope {
  @ApiPropertyOptional({
    type: ProjectRef,
    description: 'A project-scoped token: valid in this project only',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProjectRef)
  project?: ProjectRef;
}

class Auth {
  @ApiProperty({ type: Identity })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => Identity)
  identity!: Identity;

  @ApiPropertyOptional({
    type: Scope,
    description: "Absent: a token for the user's account (domain)",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Scope)
  scope?: Scope;
}

/** Keystone-style token request (as Huawei Cloud IAM's POST /v3/auth/tokens). */
export class TokenRequest {
  @ApiProperty({ type: Auth })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => Auth)
  auth!: Auth;
}
