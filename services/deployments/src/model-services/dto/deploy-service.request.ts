import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ValidateNested } from 'class-validator';
import { NOTIFICATION_EVENTS } from '../../lifecycle/index.js';

// The deploy body, ModelArts-shaped. Fields are declared with @Allow (unknown fields, also
// nested ones, are refused by the global pipe); every Table 4-4 rule is checked by
// validateDeployRequest, which names all bad fields at once (DEPLOY.0301).

export class DeployConfigDto {
  @ApiProperty({ description: 'Model Square model id', example: 'qwen3-8b' })
  @Allow()
  model_id!: unknown;

  @ApiPropertyOptional({
    description: "Model version; default the model's latest",
    example: '1.0.0',
  })
  @Allow()
  model_version?: unknown;

  @ApiPropertyOptional({
    description: 'Context-length variant id; required when the model has several',
    example: '32k',
  })
  @Allow()
  variant?: unknown;

  @ApiProperty({ description: 'Flavor id (instance specification)', example: 'ascend-910b-1' })
  @Allow()
  specification!: unknown;

  @ApiProperty({ minimum: 1, maximum: 128, example: 1 })
  @Allow()
  instance_count!: unknown;

  @ApiProperty({ format: 'uuid', description: 'The dedicated resource pool (its id)' })
  @Allow()
  cluster_id!: unknown;
}

export class EventNotificationDto {
  @ApiProperty({ default: false })
  @Allow()
  enabled!: unknown;

  @ApiPropertyOptional({
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
    description: 'Presets 1, 2, 4, 6 hours; custom: 1 minute to 24 hours',
    example: 2,
  })
  @Allow()
  duration!: unknown;
}

export class DeployServiceRequest {
  @ApiProperty({
    description:
      '1-64 letters, digits, - and _, starting with a letter; unique in the project; ' +
      'also the model name callers use',
    example: 'my-qwen3',
  })
  @Allow()
  service_name!: unknown;

  @ApiPropertyOptional({ maxLength: 256 })
  @Allow()
  description?: unknown;

  @ApiProperty({ type: [DeployConfigDto], description: 'Exactly one entry' })
  @ValidateNested({ each: true })
  @Type(() => DeployConfigDto)
  config!: unknown;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100_000,
    default: 100,
    description: 'Queries per second',
  })
  @Allow()
  qps?: unknown;

  @ApiPropertyOptional({ type: EventNotificationDto, description: 'Off by default' })
  @ValidateNested()
  @Type(() => EventNotificationDto)
  event_notification?: unknown;

  @ApiPropertyOptional({ type: [ScheduleDto], description: 'Auto stop; off when absent or empty' })
  @ValidateNested({ each: true })
  @Type(() => ScheduleDto)
  schedule?: unknown;
}
