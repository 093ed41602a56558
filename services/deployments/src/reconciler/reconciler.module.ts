import { Module } from '@nestjs/common';
import { AutoStopModule } from '../auto-stop/auto-stop.module.js';
import { ModelServicesModule } from '../model-services/model-services.module.js';
import { PoolsModule } from '../pools/pools.module.js';
import { Reconciler } from './reconciler.js';

/**
 * The Kubernetes reconciler. Every replica has it and keeps its caches warm; it reconciles
 * only while it holds the leader Lease, and not at all with RECONCILER=false.
 */
@Module({
  imports: [ModelServicesModule, PoolsModule, AutoStopModule],
  providers: [Reconciler],
  exports: [Reconciler],
})
export class ReconcilerModule {}
