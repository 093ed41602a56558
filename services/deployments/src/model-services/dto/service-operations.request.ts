import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { SERVICE_STATES, type ServiceState } from '../../lifecycle/index.js';
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

  @ApiPropertyOptional({ maxLength: 256 })
  @Allow()
  description?: unknown;
}

export class ScaleServiceRequest {
  @ApiProperty({ minimum: 1, maximum: 128, example: 2 })
  @Allow()
  instance_count!: unknown;

  @ApiPropertyOptional({ enum: ['YES'], description: 'Required to scale in' })
  @Allow()
  confirm?: unknown;
}

export class SetQpsRequest {
  @ApiProperty({ minimum: 1, maximum: 100_000, example: 50 })
  @Allow()
  qps!: unknown;
}

export class UpgradeServiceRequest {
  @ApiProperty({ description: 'A newer version of the same model', example: '1.0.1' })
  @Allow()
  model_version!: unknown;
}

export class ListServicesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SERVICE_STATES, description: 'Only services in this state' })
  @IsOptional()
  @IsIn(SERVICE_STATES)
  status?: ServiceState;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the service name' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  service_name?: string;
}
