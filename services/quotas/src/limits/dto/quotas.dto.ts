import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { RESOURCE_TYPES, type ResourceType } from '../../effective-limits/quota-limits.js';

export class QuotaChangeRequest {
  @ApiProperty({
    enum: RESOURCE_TYPES,
    description: 'api_keys, agencies: per account; pool_npus, free_tokens: per project',
  })
  @IsIn(RESOURCE_TYPES)
  type!: ResourceType;

  @ApiPropertyOptional({ description: 'With pool_npus: the dedicated resource pool' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  pool_id?: string;

  @ApiPropertyOptional({
    description: 'With free_tokens: the preset model',
    example: 'DeepSeek-R1',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  model?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'The new quota; null or absent: back to the installation default',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  quota?: number | null;
}

export class SetQuotasRequest {
  @ApiProperty({ type: [QuotaChangeRequest] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => QuotaChangeRequest)
  resources!: QuotaChangeRequest[];
}

export class QuotaResourceResponse {
  @ApiProperty({ enum: RESOURCE_TYPES })
  type!: ResourceType;

  @ApiPropertyOptional({ description: "pool_npus: the pool, or '*' for every pool not listed" })
  pool_id?: string;

  @ApiPropertyOptional({
    description: "free_tokens: the preset model, or '*' for every model not listed",
  })
  model?: string;

  @ApiProperty({ description: 'The quota in force' })
  quota!: number;

  @ApiProperty({ description: "The installation's default" })
  default!: number;

  @ApiPropertyOptional({
    description: 'What is used (api_keys: keys of the account; free_tokens: tokens of the project)',
  })
  used?: number;

  @ApiPropertyOptional({
    description: 'free_tokens: used up; calls of the model answer ModelArts.81005',
  })
  exhausted?: boolean;
}

export class QuotaResourcesResponse {
  @ApiProperty({ type: [QuotaResourceResponse] })
  resources!: QuotaResourceResponse[];
}

export class QuotasResponse {
  @ApiProperty({ type: QuotaResourcesResponse })
  quotas!: QuotaResourcesResponse;
}
