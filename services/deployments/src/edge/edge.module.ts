import { Global, Module } from '@nestjs/common';
import { EDGE_CALL_PATHS } from '../model-services/edge-call.port.js';
import { PoolsModule } from '../pools/pools.module.js';
import { EdgeCallPathsReader } from './edge-call-paths.js';

/**
 * Edge pools' call paths for the service details, provided as EDGE_CALL_PATHS (global:
 * model-services reads them through its port and never imports this folder).
 */
@Global()
@Module({
  imports: [PoolsModule],
  providers: [EdgeCallPathsReader, { provide: EDGE_CALL_PATHS, useExisting: EdgeCallPathsReader }],
  exports: [EDGE_CALL_PATHS],
})
export class EdgeModule {}
