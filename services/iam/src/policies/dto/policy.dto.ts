import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { type PolicyDocument } from '@maas/auth';
import { type PolicyEntity } from '../../store/policies/policy.entity.js';

const POLICY_EXAMPLE = {
  Version: '1.1',
  Statement: [{ Effect: 'Allow', Action: ['iam:agencies:listAgencies', 'iam:agencies:getAgency'] }],
};

export class CreatePolicyRequest {
  @ApiProperty({ minLength: 1, maxLength: 128, example: 'maas-missing-permissions' })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiProperty({
    description:
      'Policy document: {"Version":"1.1","Statement":[{"Effect":"Allow"|"Deny","Action":[...]}]}; ' +
      'actions are service:resource:verb with * wildcards. An explicit Deny wins.',
    type: 'object',
    additionalProperties: true,
    example: POLICY_EXAMPLE,
  })
  @IsDefined()
  @IsObject()
  policy!: Record<string, unknown>;
}

export class UpdatePolicyRequest {
  @ApiPropertyOptional({ minLength: 1, maxLength: 128 })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: POLICY_EXAMPLE })
  @IsOptional()
  @IsObject()
  policy?: Record<string, unknown>;
}

export class PolicyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ModelArts CommonOperations' })
  name!: string;

  @ApiProperty({ enum: ['system', 'custom'] })
  type!: 'system' | 'custom';

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: POLICY_EXAMPLE })
  policy!: PolicyDocument;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;

  static from(policy: PolicyEntity): PolicyResponse {
    return {
      id: policy.id,
      name: policy.name,
      type: policy.system ? 'system' : 'custom',
      description: policy.description,
      policy: policy.document,
      updated_at: policy.updatedAt.toISOString(),
    };
  }
}

export class PolicyListResponse {
  @ApiProperty({ type: [PolicyResponse] })
  policies!: PolicyResponse[];
}
