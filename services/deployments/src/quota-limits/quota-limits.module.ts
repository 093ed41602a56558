import { Global, Module } from '@nestjs/common';
import { PoolsModule } from '../pools/pools.module.js';
import { PoolNpuQuotaCheck } from './pool-npu-quota.check.js';
import { QuotaLimitsConsumer } from './quota-limits.consumer.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/**
 * The pool_npus quota at admission: the projection of the accounts' NPU limits from the
 * quotas service, its consumer, and the check the deploy, start and scale use cases call.
 */
@Global()
@Module({
  imports: [PoolsModule],
  providers: [QuotaLimitsRepository, QuotaLimitsConsumer, PoolNpuQuotaCheck],
  exports: [PoolNpuQuotaCheck],
})
export class QuotaLimitsModule {}
