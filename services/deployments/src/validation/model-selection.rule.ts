import { DomainError } from '@maas/errors';
import {
  type CatalogModel,
  type Flavor,
  type ModelVariant,
  type ResolvedModel,
} from '../catalog/catalog.types.js';
import { type ModelCatalog } from '../catalog/model-catalog.js';
import { type FieldProblem } from './invalid-fields.error.js';
import { type Checked, invalid, isNonEmptyString, valid } from './rule.js';

export interface ModelSelection {
  readonly resolved: ResolvedModel;
  readonly flavor: Flavor;
}

interface SelectionInput {
  readonly model_id?: unknown;
  readonly model_version?: unknown;
  readonly variant?: unknown;
  readonly specification?: unknown;
}

/**
 * Table 4-4 "Model" and "Instance Specifications": the model (+ version, + context-length
 * variant) exists in Model Square and can be deployed, and the flavor is one the variant
 * runs on. Reports every problem of the entry, not only the first.
 */
export function checkModelSelection(
  input: SelectionInput,
  catalog: ModelCatalog,
  at: (field: string) => string,
): Checked<ModelSelection> {
  const model = isNonEmptyString(input.model_id) ? catalog.get(input.model_id) : undefined;
  if (!model)
    return invalid({ field: at('model_id'), problem: 'must be the id of a Model Square model' });
  const variant = pickVariant(model, input.variant, at);
  const problems = [
    ...jobTypeProblems(model, at),
    ...versionProblems(model, input.model_version, at),
    ...variant.problems,
    ...flavorProblems(variant.value, input.specification, at),
  ];
  if (problems.length > 0 || !variant.value) return invalid(...problems);
  const resolved = catalog.resolve({
    modelId: model.id,
    version: input.model_version as string | undefined,
    variant: variant.value.id,
  });
  if (resolved instanceof DomainError) throw resolved; // unreachable: every part was checked
  return valid({ resolved, flavor: catalog.flavor(input.specification as string) as Flavor });
}

function jobTypeProblems(model: CatalogModel, at: (field: string) => string): FieldProblem[] {
  return model.jobTypes.includes('deploy')
    ? []
    : [
        {
          field: at('model_id'),
          problem: `cannot be deployed: ${model.name} does not support deployment`,
        },
      ];
}

function versionProblems(
  model: CatalogModel,
  version: unknown,
  at: (field: string) => string,
): FieldProblem[] {
  if (version === undefined || model.versions.some((v) => v.version === version)) return [];
  const available = model.versions.map((v) => v.version).join(', ');
  return [
    { field: at('model_version'), problem: `must be a version of ${model.name}: ${available}` },
  ];
}

function pickVariant(
  model: CatalogModel,
  variant: unknown,
  at: (field: string) => string,
): Checked<ModelVariant> {
  const ids = model.variants.map((v) => v.id).join(', ');
  if (variant === undefined && model.variants.length === 1) return valid(model.variants[0]);
  if (variant === undefined)
    return invalid({
      field: at('variant'),
      problem: `is required: ${model.name} comes in context-length variants ${ids}`,
    });
  const found = model.variants.find((v) => v.id === variant);
  return found
    ? valid(found)
    : invalid({ field: at('variant'), problem: `must be a variant of ${model.name}: ${ids}` });
}

/** Checked only once the variant is known; a missing flavor is reported either way. */
function flavorProblems(
  variant: ModelVariant | undefined,
  flavorId: unknown,
  at: (field: string) => string,
): FieldProblem[] {
  if (!isNonEmptyString(flavorId))
    return [{ field: at('specification'), problem: 'must be a flavor id' }];
  if (!variant || variant.flavorIds.includes(flavorId)) return [];
  return [
    {
      field: at('specification'),
      problem: `must be a flavor ${variant.name} runs on: ${variant.flavorIds.join(', ')}`,
    },
  ];
}
