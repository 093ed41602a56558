import { Global, Module } from '@nestjs/common';
import { NpuClaims } from '../model-services/npu-claims.port.js';
import { PoolsModule } from '../pools/pools.module.js';
import { PoolNpuQuotaCheck } from './pool-npu-quota.check.js';
import { QuotaLimitsConsumer } from './quota-limits.consumer.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/**
 * The pool_npus quota at admission: the projection of the accounts' NPU limits from the
 * quotas service, its consumer, and the check the lifecycle store runs on every change that claims NPUs
 * (bound to the store's NpuClaims port).
 */
@Global()
@Module({
  imports: [PoolsModule],
  providers: [
    QuotaLimitsRepository,
    QuotaLimitsConsumer,
    PoolNpuQuotaCheck,
    { provide: NpuClaims, useExisting: PoolNpuQuotaCheck },
  ],
  exports: [NpuClaims],
})
export class QuotaLimitsModule {}
