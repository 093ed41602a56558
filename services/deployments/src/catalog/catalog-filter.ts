import {
  type CatalogFilter,
  type CatalogModel,
  CONTEXT_LENGTH_THRESHOLD,
  type ContextLengthFilter,
  type ModelVariant,
} from './catalog.types.js';

/**
 * Applies the Model Square filters. With a context-length filter, a model is listed when at
 * least one of its variants is in range, and only those variants are kept on it.
 */
export function filterModels(
  models: readonly CatalogModel[],
  filter: CatalogFilter = {},
): CatalogModel[] {
  const search = filter.name?.trim().toLowerCase() ?? '';
  return models
    .filter((m) => filter.series === undefined || sameText(m.series, filter.series))
    .filter((m) => filter.type === undefined || m.type === filter.type)
    .filter((m) => filter.jobType === undefined || m.jobTypes.includes(filter.jobType))
    .filter((m) => search === '' || nameMatches(m, search))
    .map((m) => narrowVariants(m, filter.contextLength))
    .filter((m) => m.variants.length > 0);
}

export function inContextRange(variant: ModelVariant, range: ContextLengthFilter): boolean {
  return range === 'lt_16k'
    ? variant.contextLength < CONTEXT_LENGTH_THRESHOLD
    : variant.contextLength >= CONTEXT_LENGTH_THRESHOLD;
}

function narrowVariants(model: CatalogModel, range: ContextLengthFilter | undefined): CatalogModel {
  if (range === undefined) return model;
  return { ...model, variants: model.variants.filter((v) => inContextRange(v, range)) };
}

function nameMatches(model: CatalogModel, search: string): boolean {
  return [model.name, ...model.variants.map((v) => v.name)].some((name) =>
    name.toLowerCase().includes(search),
  );
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
