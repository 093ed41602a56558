import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_LOG_LINES = 200;

export class ServiceLogsQuery {
  @ApiPropertyOptional({
    maxLength: 256,
    description: 'Only lines containing this text (case-insensitive)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  search?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only lines at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only lines before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({
    minimum: 1,
    default: DEFAULT_LOG_LINES,
    description: 'At most this many lines (the newest), capped by LOGS_MAX_LINES',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  limit?: number;
}

export class LogLineResponse {
  @ApiProperty({ description: 'When the model server wrote the line (RFC 3339)' }) time!: string;
  @ApiProperty({ description: 'The instance (pod) that wrote it' }) instance!: string;
  @ApiProperty({ nullable: true }) node!: string | null;
  @ApiProperty() message!: string;
}

export class ServiceLogsResponse {
  @ApiProperty({ format: 'uuid' }) service_id!: string;
  @ApiProperty({ description: 'Lines returned' }) count!: number;
  @ApiProperty({ type: [LogLineResponse], description: 'Oldest first' }) logs!: LogLineResponse[];
  @ApiProperty({
    type: [String],
    description:
      'Why some instances gave no log (e.g. the node cannot serve logs: simulated KWOK nodes never can)',
  })
  notes!: string[];
}
