import { type DynamicModule, Global, Module } from '@nestjs/common';
import { QUOTAS_CONFIG, type QuotasConfig } from '../config.js';

/** Makes the validated configuration injectable everywhere as QUOTAS_CONFIG. */
@Global()
@Module({})
export class QuotasConfigModule {
  static forRoot(config: QuotasConfig): DynamicModule {
    return {
      module: QuotasConfigModule,
      providers: [{ provide: QUOTAS_CONFIG, useValue: config }],
      exports: [QUOTAS_CONFIG],
    };
  }
}
