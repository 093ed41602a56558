import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  registerDecorator,
} from 'class-validator';
import { type Policy } from '../policies.repository.js';

/** Limits travel as uint32 on maas.quotas.v1. */
const MAX_LIMIT = 4_294_967_295;

/** A policy must limit something: rpm or tpm above 0. */
function LimitsSomething() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'limitsSomething',
      target: target.constructor,
      propertyName,
      options: {
        message: 'set rpm or tpm (or both) above 0; remove the policy to lift the limits',
      },
      validator: {
        validate: (_: unknown, args) => {
          const o = args?.object as { rpm?: unknown; tpm?: unknown };
          return (
            (typeof o.rpm === 'number' && o.rpm > 0) || (typeof o.tpm === 'number' && o.tpm > 0)
          );
        },
      },
    });
}

export class SetKeyPolicyRequest {
  @ApiProperty({ format: 'uuid', description: "One of the project's API keys" })
  @IsUUID('all', { message: 'key_id must be an API key id (UUID)' })
  key_id!: string;

  @ApiPropertyOptional({
    description: 'Only calls of this model; absent: every model',
    example: 'DeepSeek-R1',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  model?: string;

  @ApiProperty({ minimum: 0, description: 'Requests per minute; 0 = no limit', example: 600 })
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  @LimitsSomething()
  rpm!: number;

  @ApiProperty({
    minimum: 0,
    description: 'Tokens (prompt + completion) per minute; 0 = no limit',
    example: 100_000,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_LIMIT)
  tpm!: number;
}

export class PolicyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['key', 'service'] })
  subject_type!: 'key' | 'service';

  @ApiPropertyOptional({ format: 'uuid' })
  key_id?: string;

  @ApiPropertyOptional()
  service_id?: string;

  @ApiProperty({ description: "'' = every model" })
  model!: string;

  @ApiProperty({ description: 'Requests per minute (0 = none)' })
  rpm!: number;

  @ApiProperty({ description: 'Tokens per minute (0 = none)' })
  tpm!: number;

  @ApiProperty({ description: 'Queries per second of a service (0 = none)' })
  qps!: number;

  @ApiProperty({
    enum: ['admin', 'deployments'],
    description: "deployments: the service's set QPS",
  })
  source!: 'admin' | 'deployments';

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;

  static from(p: Policy): PolicyResponse {
    return {
      id: p.id,
      subject_type: p.subjectType,
      ...(p.subjectType === 'key' ? { key_id: p.subjectId } : { service_id: p.subjectId }),
      model: p.model,
      rpm: p.rpm,
      tpm: p.tpm,
      qps: p.qps,
      source: p.source,
      updated_at: p.updatedAt.toISOString(),
    };
  }
}

export class PolicyListResponse {
  @ApiProperty({ type: [PolicyResponse] })
  policies!: PolicyResponse[];
}
