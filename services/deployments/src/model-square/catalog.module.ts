import { Global, Module } from '@nestjs/common';
import { BUILT_IN_CATALOG } from '../catalog/built-in-catalog.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { ModelSquareController } from './model-square.controller.js';

/** Model Square: the built-in catalog (validated at start) and its read-only API. */
@Global()
@Module({
  controllers: [ModelSquareController],
  providers: [{ provide: ModelCatalog, useValue: BUILT_IN_CATALOG }],
  exports: [ModelCatalog],
})
export class CatalogModule {}
