import { Injectable } from '@nestjs/common';
import { type Flavor, ModelCatalog } from '../../catalog/index.js';
import { PoolResponse } from '../dto/pool.dto.js';
import { PoolCapacityService } from '../pool-capacity.service.js';
import { type PoolEntity } from '../pool.entity.js';

/** A pool as the API shows it, with its flavors and its live capacity. */
@Injectable()
export class PoolView {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly capacity: PoolCapacityService,
  ) {}

  async of(pool: PoolEntity): Promise<PoolResponse> {
    return PoolResponse.from(pool, this.flavorsOf(pool), await this.capacity.read(pool));
  }

  private flavorsOf(pool: PoolEntity): Flavor[] {
    return pool.flavorIds
      .map((id) => this.catalog.flavor(id))
      .filter((f): f is Flavor => f !== undefined);
  }
}
