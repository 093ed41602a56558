import { ApiProperty } from '@nestjs/swagger';
import { type Flavor } from '../../catalog/catalog.types.js';

/** An instance specification (flavor) of Model Square. */
export class FlavorResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() server_type!: string;
  @ApiProperty() npu_type!: string;
  @ApiProperty() npu_memory_gib!: number;
  @ApiProperty() npus_per_instance!: number;
  @ApiProperty({ description: 'Servers (nodes) one instance spans' }) nodes_per_instance!: number;
  @ApiProperty({ description: 'Per pod (one pod per node)' }) cpu!: number;
  @ApiProperty({ description: 'Per pod, GiB' }) memory_gib!: number;

  static from(flavor: Flavor): FlavorResponse {
    return {
      id: flavor.id,
      name: flavor.name,
      server_type: flavor.serverType,
      npu_type: flavor.npuType,
      npu_memory_gib: flavor.npuMemoryGib,
      npus_per_instance: flavor.npusPerInstance,
      nodes_per_instance: flavor.nodesPerInstance,
      cpu: flavor.cpu,
      memory_gib: flavor.memoryGib,
    };
  }
}
