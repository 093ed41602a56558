import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  type CatalogModel,
  CONTEXT_LENGTH_FILTERS,
  type ContextLengthFilter,
  type Flavor,
  JOB_TYPES,
  type JobType,
  MODEL_TYPE_DISPLAY_NAMES,
  MODEL_TYPES,
  type ModelType,
} from '../../catalog/catalog.types.js';
import { FlavorResponse } from './flavor.dto.js';

/** The Model Filtering of Table 4-1, plus a name search. */
export class ModelSquareQuery {
  @ApiPropertyOptional({ description: 'Model series, e.g. DeepSeek (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  series?: string;

  @ApiPropertyOptional({ enum: MODEL_TYPES })
  @IsOptional()
  @IsIn(MODEL_TYPES)
  type?: ModelType;

  @ApiPropertyOptional({ enum: JOB_TYPES, description: 'Supported job type' })
  @IsOptional()
  @IsIn(JOB_TYPES)
  job_type?: JobType;

  @ApiPropertyOptional({
    enum: CONTEXT_LENGTH_FILTERS,
    description: 'lt_16k: fewer than 16K tokens; ge_16k: 16K and more (variants in range)',
  })
  @IsOptional()
  @IsIn(CONTEXT_LENGTH_FILTERS)
  context_length?: ContextLengthFilter;

  @ApiPropertyOptional({ description: "Case-insensitive part of the model's or a variant's name" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;
}

export class ModelVersionResponse {
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty() notes!: string;
}

export class ModelVariantResponse {
  @ApiProperty({ example: '32k' }) id!: string;
  @ApiProperty({ example: 'DeepSeek-R1-32K' }) name!: string;
  @ApiProperty({ description: 'Max input + output tokens (the gateway enforces it)' })
  context_length!: number;
  @ApiProperty() max_input_tokens!: number;
  @ApiProperty() max_output_tokens!: number;
  @ApiProperty({ type: [String], description: 'Flavor ids the variant runs on' })
  flavors!: string[];
}

export class ModelResponse {
  @ApiProperty({ example: 'deepseek-r1' }) id!: string;
  @ApiProperty({ example: 'DeepSeek-R1' }) name!: string;
  @ApiProperty({ example: 'DeepSeek' }) series!: string;
  @ApiProperty({ enum: MODEL_TYPES }) type!: ModelType;
  @ApiProperty({ example: 'Text generation' }) type_display_name!: string;
  @ApiProperty({ enum: JOB_TYPES, isArray: true }) job_types!: JobType[];
  @ApiProperty({ type: [String], example: ['zh', 'en'] }) languages!: string[];
  @ApiProperty() use_cases!: string;
  @ApiProperty() description!: string;
  @ApiProperty() latest_version!: string;
  @ApiProperty({ type: [ModelVersionResponse], description: 'Oldest first' })
  versions!: ModelVersionResponse[];
  @ApiProperty({ type: [ModelVariantResponse] }) variants!: ModelVariantResponse[];

  static from(model: CatalogModel): ModelResponse {
    return {
      id: model.id,
      name: model.name,
      series: model.series,
      type: model.type,
      type_display_name: MODEL_TYPE_DISPLAY_NAMES[model.type],
      job_types: [...model.jobTypes],
      languages: [...model.languages],
      use_cases: model.useCases,
      description: model.description,
      latest_version: model.latestVersion,
      versions: model.versions.map((v) => ({ version: v.version, notes: v.notes })),
      variants: model.variants.map((v) => ({
        id: v.id,
        name: v.name,
        context_length: v.contextLength,
        max_input_tokens: v.maxInputTokens,
        max_output_tokens: v.maxOutputTokens,
        flavors: [...v.flavorIds],
      })),
    };
  }
}

export class ModelDetailsResponse extends ModelResponse {
  @ApiProperty({ type: [FlavorResponse], description: 'Every flavor a variant runs on' })
  flavors!: FlavorResponse[];
}

export class ModelListResponse {
  @ApiProperty() catalog_version!: string;
  @ApiProperty() total!: number;
  @ApiProperty({ type: [ModelResponse] }) models!: ModelResponse[];
}

export class FlavorListResponse {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [FlavorResponse] }) flavors!: FlavorResponse[];

  static from(flavors: readonly Flavor[]): FlavorListResponse {
    return { total: flavors.length, flavors: flavors.map((f) => FlavorResponse.from(f)) };
  }
}
