import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_LOG_LINES = 200;
/** The most lines one request may ask for (LOGS_MAX_LINES caps what it gets). */
export const MAX_LOG_LINES_QUERY = 100_000;

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
    type: 'integer',
    minimum: 1,
    maximum: MAX_LOG_LINES_QUERY,
    default: DEFAULT_LOG_LINES,
    description: 'At most this many lines (the newest), capped by LOGS_MAX_LINES',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LOG_LINES_QUERY)
  limit?: number;
}

export class LogLineResponse {
  @ApiProperty({ description: 'When the model server wrote the line (RFC 3339)' }) time!: string;
  @ApiProperty({ description: 'The instance (pod) that wrote it' }) instance!: string;
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
  @ApiProperty() message!: string;
}

export class ServiceLogsResponse {
  @ApiProperty({ format: 'uuid' }) service_id!: string;
  @ApiProperty({ type: 'integer', description: 'Lines returned' }) count!: number;
  @ApiProperty({ type: [LogLineResponse], description: 'Oldest first' }) logs!: LogLineResponse[];
  @ApiProperty({
    type: [String],
    description:
      'Why some instances gave no log (e.g. the node cannot serve logs: simulated KWOK nodes never can)',
  })
  notes!: string[];
}
