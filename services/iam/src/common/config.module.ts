import { type DynamicModule, Global, Module } from '@nestjs/common';
import { IAM_CONFIG, type IamConfig } from '../config.js';

/** Makes the validated configuration injectable everywhere as IAM_CONFIG. */
@Global()
@Module({})
export class IamConfigModule {
  static forRoot(config: IamConfig): DynamicModule {
    return {
      module: IamConfigModule,
      providers: [{ provide: IAM_CONFIG, useValue: config }],
      exports: [IAM_CONFIG],
    };
  }
}
