import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DEPLOYMENTS_CONFIG, type DeploymentsConfig } from '../config.js';

/** Makes the validated configuration injectable everywhere as DEPLOYMENTS_CONFIG. */
@Global()
@Module({})
export class DeploymentsConfigModule {
  static forRoot(config: DeploymentsConfig): DynamicModule {
    return {
      module: DeploymentsConfigModule,
      providers: [{ provide: DEPLOYMENTS_CONFIG, useValue: config }],
      exports: [DEPLOYMENTS_CONFIG],
    };
  }
}
