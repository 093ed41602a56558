import { Module } from '@nestjs/common';
import { PoolCapacityService } from './pool-capacity.service.js';
import { PoolsController } from './pools.controller.js';
import { PoolsRepository } from './pools.repository.js';
import { CreatePool } from './usecases/create-pool.js';
import { DeletePool } from './usecases/delete-pool.js';
import { GetPool } from './usecases/get-pool.js';
import { PoolView } from './usecases/pool-view.js';
import { UpdatePool } from './usecases/update-pool.js';

@Module({
  controllers: [PoolsController],
  providers: [
    PoolsRepository,
    PoolCapacityService,
    PoolView,
    CreatePool,
    GetPool,
    UpdatePool,
    DeletePool,
  ],
  exports: [PoolsRepository, PoolCapacityService],
})
export class PoolsModule {}
