import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { USAGE_DIMENSIONS, type UsageDimension } from '../usage.repository.js';

export class UsageQueryRequest {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start (inclusive); default: end minus one day (minute) or 30 days (day)',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'start must be an ISO 8601 date-time' })
  start?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (exclusive); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'end must be an ISO 8601 date-time' })
  end?: string;

  @ApiPropertyOptional({
    enum: ['minute', 'day'],
    default: 'day',
    description: 'minute: at most 24 hours; day: at most 400 days (UTC)',
  })
  @IsOptional()
  @IsIn(['minute', 'day'])
  granularity?: 'minute' | 'day';

  @ApiPropertyOptional({
    description: `Comma-separated dimensions to break the sums down by: ${USAGE_DIMENSIONS.join(', ')}`,
    example: 'key_id,model',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsIn(USAGE_DIMENSIONS, {
    each: true,
    message: `group_by may name ${USAGE_DIMENSIONS.join(', ')}`,
  })
  group_by?: UsageDimension[];

  @ApiPropertyOptional({
    enum: ['project', 'account'],
    default: 'project',
    description: 'account: every project of the account',
  })
  @IsOptional()
  @IsIn(['project', 'account'])
  scope?: 'project' | 'account';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  key_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  service_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  model?: string;
}

export class UsageEntryResponse {
  @ApiProperty({ description: 'Start of the minute (date-time) or the day (YYYY-MM-DD), UTC' })
  time!: string;

  @ApiPropertyOptional()
  project_id?: string;

  @ApiPropertyOptional({ description: "'' for calls made with an IAM token" })
  key_id?: string;

  @ApiPropertyOptional()
  service_id?: string;

  @ApiPropertyOptional()
  model?: string;

  @ApiProperty({ description: 'Every recorded call, failed ones included' })
  requests!: number;

  @ApiProperty({ description: 'Calls answered with an error (HTTP status >= 400)' })
  failed_requests!: number;

  @ApiProperty()
  prompt_tokens!: number;

  @ApiProperty()
  completion_tokens!: number;

  @ApiProperty()
  total_tokens!: number;
}

export class UsageTotalsResponse {
  @ApiProperty({ description: 'Every recorded call, failed ones included' })
  requests!: number;

  @ApiProperty({ description: 'Calls answered with an error (HTTP status >= 400)' })
  failed_requests!: number;

  @ApiProperty()
  prompt_tokens!: number;

  @ApiProperty()
  completion_tokens!: number;

  @ApiProperty()
  total_tokens!: number;
}

export class UsageResponse {
  @ApiProperty({ enum: ['minute', 'day'] })
  granularity!: 'minute' | 'day';

  @ApiProperty({ format: 'date-time' })
  start!: string;

  @ApiProperty({ format: 'date-time' })
  end!: string;

  @ApiProperty({ type: [String] })
  group_by!: string[];

  @ApiProperty({ type: [UsageEntryResponse] })
  usage!: UsageEntryResponse[];

  @ApiProperty({ type: UsageTotalsResponse })
  totals!: UsageTotalsResponse;

  @ApiProperty({ description: 'True when the entries were cut at 10,000' })
  truncated!: boolean;
}
