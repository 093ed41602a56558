import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { SCALE_IN_CONFIRMATION, SERVICE_STATES, type ServiceState } from '../../lifecycle/index.js';
import { MAX_INSTANCES, MAX_QPS, MIN_INSTANCES, MIN_QPS } from '../../validation/limits.js';
import { MAX_DESCRIPTION_LENGTH } from '../../validation/index.js';
import { PageQuery } from '../../common/pagination.dto.js';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

// Operation bodies: the state machine checks the values (state first: 409; then the
// parameters: 400 naming the field), so fields are only declared here.

/** `PUT …/services/{id}`: a status change (start/stop) or a description change, not both. */
export class UpdateServiceRequest {
  @ApiPropertyOptional({
    enum: ['running', 'stopped'],
    description: 'running: start; stopped: stop',
  })
  @Allow()
  status?: unknown;

  @ApiPropertyOptional({ type: String, maxLength: MAX_DESCRIPTION_LENGTH })
  @Allow()
  description?: unknown;
}

export class ScaleServiceRequest {
  @ApiProperty({ type: 'integer', minimum: MIN_INSTANCES, maximum: MAX_INSTANCES, example: 2 })
  @Allow()
  instance_count!: unknown;

  @ApiPropertyOptional({ enum: [SCALE_IN_CONFIRMATION], description: 'Required to scale in' })
  @Allow()
  confirm?: unknown;
}

export class SetQpsRequest {
  @ApiProperty({ type: 'integer', minimum: MIN_QPS, maximum: MAX_QPS, example: 50 })
  @Allow()
  qps!: unknown;
}

export class UpgradeServiceRequest {
  @ApiProperty({
    type: String,
    description: 'A newer version of the same model',
    example: '1.0.1',
  })
  @Allow()
  model_version!: unknown;
}

export class ListServicesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SERVICE_STATES, description: 'Only services in this state' })
  @IsOptional()
  @IsIn(SERVICE_STATES)
  status?: ServiceState;

  @ApiPropertyOptional({
    type: String,
    maxLength: 64,
    description: 'Case-insensitive part of the service name',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  service_name?: string;
}
