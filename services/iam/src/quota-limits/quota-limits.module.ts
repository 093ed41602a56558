import { Global, Module } from '@nestjs/common';
import { QuotaLimitsConsumer } from './quota-limits.consumer.js';
import { QuotaLimitsRepository } from './quota-limits.repository.js';

/**
 * The account limits IAM takes from the quotas service (max agencies): the projection and
 * its consumer. Global: agency creation (CoreModule's AgencyProvisioner) reads it.
 */
@Global()
@Module({
  providers: [QuotaLimitsRepository, QuotaLimitsConsumer],
  exports: [QuotaLimitsRepository],
})
export class QuotaLimitsModule {}
