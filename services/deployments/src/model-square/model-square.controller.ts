import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actions, IamGuard, ProjectGuarded } from '@maas/auth';
import { ModelNotFoundError } from '../catalog/catalog.errors.js';
import {
  FlavorListResponse,
  type ModelDetailsResponse,
  ModelListResponse,
  ModelResponse,
  ModelSquareQuery,
} from './dto/model-square.dto.js';
import { FlavorResponse } from './dto/flavor.dto.js';
import { ModelCatalog } from '../catalog/model-catalog.js';

/** Model Square (seed 002 §4.1): the built-in models, read-only. */
@ApiTags('model square')
@UseGuards(IamGuard)
@Controller('v1/:project_id')
export class ModelSquareController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Get('models')
  @ProjectGuarded(
    Actions.modelList,
    'List Model Square models',
    'Filters: series, type, supported job type, context length (<16K / >=16K); search by name.',
  )
  @ApiOkResponse({ type: ModelListResponse })
  list(@Query() query: ModelSquareQuery): ModelListResponse {
    const models = this.catalog.list({
      series: query.series,
      type: query.type,
      jobType: query.job_type,
      contextLength: query.context_length,
      name: query.name,
    });
    return {
      catalog_version: this.catalog.version,
      total: models.length,
      models: models.map((m) => ModelResponse.from(m)),
    };
  }

  @Get('models/:model_id')
  @ProjectGuarded(Actions.modelGet, "Show a model's details: versions, variants and flavors")
  @ApiOkResponse({ type: ModelResponse })
  get(@Param('model_id') modelId: string): ModelDetailsResponse {
    const model = this.catalog.get(modelId);
    if (!model) throw new ModelNotFoundError(modelId);
    const ids = new Set(model.variants.flatMap((v) => v.flavorIds));
    const flavors = this.catalog.data.flavors.filter((f) => ids.has(f.id));
    return { ...ModelResponse.from(model), flavors: flavors.map((f) => FlavorResponse.from(f)) };
  }

  @Get('flavors')
  @ProjectGuarded(Actions.modelList, 'List the instance specifications (flavors) of Model Square')
  @ApiOkResponse({ type: FlavorListResponse })
  flavors(): FlavorListResponse {
    return FlavorListResponse.from(this.catalog.data.flavors);
  }
}
