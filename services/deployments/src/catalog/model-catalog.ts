import { type DomainError } from '@maas/errors';
import {
  type CatalogData,
  type CatalogFilter,
  type CatalogModel,
  type Flavor,
  type JobType,
  type ModelType,
  type ResolvedModel,
} from './catalog.types.js';
import {
  ModelNotFoundError,
  ModelVariantNotFoundError,
  ModelVariantRequiredError,
  ModelVersionNotFoundError,
} from './catalog.errors.js';
import { filterModels } from './catalog-filter.js';

export interface ResolveRequest {
  readonly modelId: string;
  /** Defaults to the model's latest version. */
  readonly version?: string;
  /** May be left out only when the model has a single variant. */
  readonly variant?: string;
}

export interface CatalogFacets {
  readonly series: readonly string[];
  readonly types: readonly ModelType[];
  readonly jobTypes: readonly JobType[];
}

/** Read-only queries over validated catalog data (see loadCatalog). */
export class ModelCatalog {
  private readonly byId: ReadonlyMap<string, CatalogModel>;
  private readonly flavorsById: ReadonlyMap<string, Flavor>;

  constructor(readonly data: CatalogData) {
    this.byId = new Map(data.models.map((m) => [m.id, m]));
    this.flavorsById = new Map(data.flavors.map((f) => [f.id, f]));
  }

  get version(): string {
    return this.data.version;
  }

  list(filter: CatalogFilter = {}): CatalogModel[] {
    return filterModels(this.data.models, filter);
  }

  /** The values the console offers in each filter, in catalog order. */
  facets(): CatalogFacets {
    const distinct = <T>(values: T[]): T[] => [...new Set(values)];
    return {
      series: distinct(this.data.models.map((m) => m.series)),
      types: distinct(this.data.models.map((m) => m.type)),
      jobTypes: distinct(this.data.models.flatMap((m) => m.jobTypes)),
    };
  }

  get(modelId: string): CatalogModel | undefined {
    return this.byId.get(modelId);
  }

  flavor(flavorId: string): Flavor | undefined {
    return this.flavorsById.get(flavorId);
  }

  /** (model, version, variant) → what the reconciler runs, or why it cannot. */
  resolve(request: ResolveRequest): ResolvedModel | DomainError {
    const model = this.byId.get(request.modelId);
    if (!model) return new ModelNotFoundError(request.modelId);
    const versionId = request.version ?? model.latestVersion;
    const version = model.versions.find((v) => v.version === versionId);
    if (!version)
      return new ModelVersionNotFoundError(
        model.name,
        versionId,
        model.versions.map((v) => v.version),
      );
    const variantIds = model.variants.map((v) => v.id);
    if (request.variant === undefined && model.variants.length > 1)
      return new ModelVariantRequiredError(model.name, variantIds);
    const variant =
      request.variant === undefined
        ? model.variants[0]
        : model.variants.find((v) => v.id === request.variant);
    if (!variant)
      return new ModelVariantNotFoundError(model.name, String(request.variant), variantIds);
    const defaults = this.data.serverDefaults;
    return {
      catalogVersion: this.data.version,
      model,
      version,
      variant,
      flavors: variant.flavorIds
        .map((id) => this.flavorsById.get(id))
        .filter((f) => f !== undefined),
      server: { ...defaults, args: [...defaults.args, ...model.serverExtraArgs] },
    };
  }
}
