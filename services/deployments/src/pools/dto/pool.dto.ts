import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { type Flavor } from '../../catalog/index.js';
import { FlavorResponse } from '../../model-square/dto/flavor.dto.js';
import { MAX_DESCRIPTION_LENGTH } from '../../validation/index.js';
import {
  MAX_SELECTOR_LABELS,
  POOL_NAME_PATTERN,
  REGION_PATTERN,
  TAINT_EFFECTS,
} from '../pool-rules.js';
import { type PoolEntity } from '../pool.entity.js';
import { type CapacityReading } from '../pool-capacity.service.js';
import { EdgeAccessDto, EdgeAccessRequest, edgeResponse } from '../edge-access.js';

// Request fields are declared with @Allow (unknown fields are still refused by the global
// pipe); their rules are checked by pool-rules.ts, which names every bad field at once.

export class TaintDto {
  @ApiProperty({ example: 'maas.io/pool' })
  key!: string;

  @ApiProperty({ example: 'pool-a' })
  value!: string;

  @ApiProperty({ enum: TAINT_EFFECTS, example: 'NoSchedule' })
  effect!: (typeof TAINT_EFFECTS)[number];
}

export class UpdatePoolRequest {
  @ApiPropertyOptional({ type: String, maxLength: MAX_DESCRIPTION_LENGTH })
  @Allow()
  description?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    minProperties: 1,
    maxProperties: MAX_SELECTOR_LABELS,
    description:
      'Labels that select the pool\'s nodes; default {"maas.io/pool": "<name>"}. Always ANDed ' +
      "with maas.io/account=<the caller's account> (the operator's assignment of nodes to " +
      "accounts; stored and shown): another account's id there is a 400",
    example: { 'maas.io/pool': 'pool-a' },
  })
  @Allow()
  node_selector?: unknown;

  @ApiPropertyOptional({
    type: TaintDto,
    nullable: true,
    description:
      'Taint that makes the nodes exclusive to the pool (services get the toleration); default ' +
      "maas.io/pool=<name>:NoSchedule; null for none. A taint on maas.io/account must carry the caller's account id",
  })
  @Allow()
  taint?: unknown;

  @ApiPropertyOptional({
    type: String,
    description: "Extended resource name of the NPUs (the Ascend device plugin's)",
    example: 'huawei.com/Ascend910',
    default: 'huawei.com/Ascend910',
  })
  @Allow()
  npu_resource_name?: unknown;

  @ApiPropertyOptional({
    type: [String],
    description: 'Model Square flavor ids (instance specifications) the pool offers',
    example: ['ascend-910b-1', 'ascend-910b-8', 'ascend-910b-2x8'],
  })
  @Allow()
  flavors?: unknown;
}

export class CreatePoolRequest extends UpdatePoolRequest {
  @ApiProperty({
    type: String,
    pattern: POOL_NAME_PATTERN.source,
    description: 'Unique in the project; a DNS label',
    example: 'pool-a',
  })
  @Allow()
  name!: unknown;

  @ApiPropertyOptional({
    type: String,
    pattern: REGION_PATTERN.source,
    description: "Region of the pool's nodes; default the installation's region",
    example: 'cn-southwest-2',
  })
  @Allow()
  region?: unknown;

  @ApiPropertyOptional({
    type: EdgeAccessRequest,
    nullable: true,
    description:
      'Makes it an edge pool (nodes outside the data centre, seed 000): how callers reach its ' +
      'services directly — load_balancing (a LoadBalancer per service) or node (a node port on ' +
      'the nodes running it). Set at creation only; default null (a pool in the data centre)',
    example: { access_mode: 'load_balancing', port: 80, api_url: '' },
  })
  @Allow()
  edge?: unknown;
}

export class CapacityResponse {
  @ApiProperty({ type: 'integer', description: "Allocatable NPUs of the pool's Ready nodes" })
  npus!: number;

  @ApiProperty({
    type: 'integer',
    description: 'NPUs requested by non-terminated pods on those nodes',
  })
  requested_npus!: number;

  @ApiProperty({ type: 'integer', description: 'npus − requested_npus' })
  free_npus!: number;

  @ApiProperty({ type: 'integer' }) ready_nodes!: number;
  @ApiProperty({ type: 'integer' }) total_nodes!: number;

  @ApiProperty({ format: 'date-time', description: 'When the Kubernetes API was read' })
  observed_at!: string;
}

export class PoolResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  node_selector!: Record<string, string>;
  @ApiProperty({ type: TaintDto, nullable: true }) taint!: TaintDto | null;
  @ApiProperty() npu_resource_name!: string;
  @ApiProperty({ type: [FlavorResponse] }) flavors!: FlavorResponse[];
  @ApiProperty({
    type: EdgeAccessDto,
    nullable: true,
    description: "An edge pool's access mode; null for a pool in the data centre",
  })
  edge!: EdgeAccessDto | null;

  @ApiProperty({
    type: CapacityResponse,
    nullable: true,
    description: 'Live from the Kubernetes API; null when it could not be read',
  })
  capacity!: CapacityResponse | null;

  @ApiPropertyOptional({ description: 'Why capacity is null' })
  capacity_error?: string;

  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;

  static from(
    pool: PoolEntity,
    flavors: readonly Flavor[],
    reading: CapacityReading | null,
  ): PoolResponse {
    return {
      id: pool.id,
      name: pool.name,
      description: pool.description,
      region: pool.region,
      node_selector: pool.nodeSelector,
      taint: pool.taint,
      npu_resource_name: pool.npuResourceName,
      flavors: flavors.map((f) => FlavorResponse.from(f)),
      edge: edgeResponse(pool.edge),
      capacity: reading?.ok
        ? {
            npus: reading.capacity.capacity,
            requested_npus: reading.capacity.requested,
            free_npus: reading.capacity.free,
            ready_nodes: reading.capacity.readyNodes,
            total_nodes: reading.capacity.totalNodes,
            observed_at: reading.capacity.observedAt.toISOString(),
          }
        : null,
      ...(reading && !reading.ok ? { capacity_error: reading.error } : {}),
      created_at: pool.createdAt.toISOString(),
      updated_at: pool.updatedAt.toISOString(),
    };
  }
}

export class PoolListResponse {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [PoolResponse] }) pools!: PoolResponse[];
}
