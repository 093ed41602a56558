import { DomainError } from '@maas/errors';

export enum CatalogErrorCode {
  ModelNotFound = 'DEPLOY.0101',
  VersionNotFound = 'DEPLOY.0102',
  VariantNotFound = 'DEPLOY.0103',
  VariantRequired = 'DEPLOY.0104',
  FlavorNotSupported = 'DEPLOY.0105',
}

export class ModelNotFoundError extends DomainError {
  constructor(modelId: string) {
    super(CatalogErrorCode.ModelNotFound, 'not_found', `Model ${modelId} is not in Model Square`, {
      details: { model_id: modelId },
    });
  }
}

export class ModelVersionNotFoundError extends DomainError {
  constructor(modelName: string, version: string, available: readonly string[]) {
    super(
      CatalogErrorCode.VersionNotFound,
      'not_found',
      `${modelName} has no version ${version}; available: ${available.join(', ')}`,
      { details: { model_version: version, available } },
    );
  }
}

export class ModelVariantNotFoundError extends DomainError {
  constructor(modelName: string, variant: string, available: readonly string[]) {
    super(
      CatalogErrorCode.VariantNotFound,
      'not_found',
      `${modelName} has no variant ${variant}; available: ${available.join(', ')}`,
      { details: { variant, available } },
    );
  }
}

export class ModelVariantRequiredError extends DomainError {
  constructor(modelName: string, available: readonly string[]) {
    super(
      CatalogErrorCode.VariantRequired,
      'validation',
      `${modelName} has several context-length variants; choose one of ${available.join(', ')}`,
      { details: { available } },
    );
  }
}

export class FlavorNotSupportedError extends DomainError {
  constructor(variantName: string, flavorId: string, supported: readonly string[]) {
    super(
      CatalogErrorCode.FlavorNotSupported,
      'validation',
      `${variantName} cannot run on ${flavorId}; supported: ${supported.join(', ')}`,
      { details: { specification: flavorId, supported } },
    );
  }
}
