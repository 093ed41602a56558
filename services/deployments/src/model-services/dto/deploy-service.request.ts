import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ValidateNested } from 'class-validator';
import { NOTIFICATION_EVENTS } from '../../lifecycle/index.js';
import {
  DEFAULT_QPS,
  MAX_INSTANCES,
  MAX_QPS,
  MIN_INSTANCES,
  MIN_QPS,
} from '../../validation/limits.js';
import {
  MAX_AUTO_STOP_MINUTES,
  MAX_DESCRIPTION_LENGTH,
  MAX_WEBHOOK_URL_LENGTH,
  SERVICE_NAME_PATTERN,
} from '../../validation/index.js';

// The deploy body, ModelArts-shaped. Fields are declared with @Allow (unknown fields, also
// nested ones, are refused by the global pipe); every Table 4-4 rule is checked by
// validateDeployRequest, which names all bad fields at once (DEPLOY.0301). The OpenAPI types
// and limits below come from the same constants as those rules (the SWC build runs no swagger
// plugin: every type is explicit).

export class DeployConfigDto {
  @ApiProperty({ type: String, description: 'Model Square model id', example: 'qwen3-8b' })
  @Allow()
  model_id!: unknown;

  @ApiPropertyOptional({
    type: String,
    description: "Model version; default the model's latest",
    example: '1.0.0',
  })
  @Allow()
  model_version?: unknown;

  @ApiPropertyOptional({
    type: String,
    description: 'Context-length variant id; required when the model has several',
    example: '32k',
  })
  @Allow()
  variant?: unknown;

  @ApiProperty({
    type: String,
    description: 'Flavor id (instance specification)',
    example: 'ascend-910b-1',
  })
  @Allow()
  specification!: unknown;

  @ApiProperty({ type: 'integer', minimum: MIN_INSTANCES, maximum: MAX_INSTANCES, example: 1 })
  @Allow()
  instance_count!: unknown;

  @ApiProperty({
    type: String,
    format: 'uuid',
    description: 'The dedicated resource pool (its id)',
  })
  @Allow()
  cluster_id!: unknown;
}

export class EventNotificationDto {
  @ApiProperty({ type: Boolean, default: false })
  @Allow()
  enabled!: unknown;

  @ApiPropertyOptional({
    type: String,
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    description:
      "Where notifications go: a Kafka topic name (published there, after the installation's " +
      'topic prefix) or an https:// webhook URL (POSTed as JSON, signed with ' +
      'X-MaaS-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">, retried with back-off)',
    example: 'https://hooks.example.com/maas',
  })
  @Allow()
  topic?: unknown;

  @ApiPropertyOptional({ enum: NOTIFICATION_EVENTS, isArray: true, example: ['Running', 'Failed'] })
  @Allow()
  events?: unknown;
}

export class ScheduleDto {
  @ApiProperty({ enum: ['stop'] })
  @Allow()
  type!: unknown;

  @ApiProperty({ enum: ['HOURS', 'MINUTES'] })
  @Allow()
  time_unit!: unknown;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_AUTO_STOP_MINUTES,
    description:
      'Presets 1, 2, 4, 6 hours; custom: 1 minute to 24 hours (in time_unit: at most 24 HOURS ' +
      `or ${MAX_AUTO_STOP_MINUTES} MINUTES)`,
    example: 2,
  })
  @Allow()
  duration!: unknown;
}

export class DeployServiceRequest {
  @ApiProperty({
    type: String,
    pattern: SERVICE_NAME_PATTERN.source,
    description:
      '1-64 letters, digits, - and _, starting with a letter; unique in the project; ' +
      'also the model name callers use',
    example: 'my-qwen3',
  })
  @Allow()
  service_name!: unknown;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_DESCRIPTION_LENGTH,
    description: 'null or absent: none',
  })
  @Allow()
  description?: unknown;

  @ApiProperty({
    type: [DeployConfigDto],
    minItems: 1,
    maxItems: 1,
    description: 'Exactly one entry',
  })
  @ValidateNested({ each: true })
  @Type(() => DeployConfigDto)
  config!: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: MIN_QPS,
    maximum: MAX_QPS,
    default: DEFAULT_QPS,
    description: 'Queries per second; null or absent: the default',
  })
  @Allow()
  qps?: unknown;

  @ApiPropertyOptional({
    type: EventNotificationDto,
    nullable: true,
    description: 'Off by default (null or absent: off)',
  })
  @ValidateNested()
  @Type(() => EventNotificationDto)
  event_notification?: unknown;

  @ApiPropertyOptional({
    type: [ScheduleDto],
    nullable: true,
    maxItems: 1,
    description: 'Auto stop; off when absent, null or empty',
  })
  @ValidateNested({ each: true })
  @Type(() => ScheduleDto)
  schedule?: unknown;
}
