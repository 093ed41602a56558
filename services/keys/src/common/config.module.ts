import { type DynamicModule, Global, Module } from '@nestjs/common';
import { KEYS_CONFIG, type KeysConfig } from '../config.js';

/** Makes the validated configuration injectable everywhere as KEYS_CONFIG. */
@Global()
@Module({})
export class KeysConfigModule {
  static forRoot(config: KeysConfig): DynamicModule {
    return {
      module: KeysConfigModule,
      providers: [{ provide: KEYS_CONFIG, useValue: config }],
      exports: [KEYS_CONFIG],
    };
  }
}
