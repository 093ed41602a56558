export {
  BUILT_IN_CATALOG,
  BUILT_IN_CATALOG_FILE,
  CATALOG_VERSION,
  readCatalogFile,
} from './built-in-catalog.js';
export * from './catalog.types.js';
export * from './catalog.errors.js';
export { CatalogDataError } from './catalog-data.error.js';
export { filterModels, inContextRange } from './catalog-filter.js';
export { CATALOG_SCHEMA_VERSION, loadCatalog } from './load-catalog.js';
export { ModelCatalog, type CatalogFacets, type ResolveRequest } from './model-catalog.js';
export { renderServerContainer, type RenderOptions } from './render-server-container.js';
export { SERVER_PLACEHOLDERS, type ServerPlaceholder } from './server-placeholders.js';
export { compareVersions, isNewerVersion, isVersion, VERSION_PATTERN } from './versions.js';
