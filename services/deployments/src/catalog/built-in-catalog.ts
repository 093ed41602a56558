import { readFileSync } from 'node:fs';
import { loadCatalog } from './load-catalog.js';
import { ModelCatalog } from './model-catalog.js';

/** The data file shipped with the service (copied next to this module by the build). */
export const BUILT_IN_CATALOG_FILE = new URL('./data/model-square.v1.json', import.meta.url);

/** Reads and validates a catalog file; throws CatalogDataError when it is malformed. */
export function readCatalogFile(file: URL | string): ModelCatalog {
  return new ModelCatalog(loadCatalog(JSON.parse(readFileSync(file, 'utf8')) as unknown));
}

/** The built-in Model Square, loaded (and validated) once when first imported. */
export const BUILT_IN_CATALOG: ModelCatalog = readCatalogFile(BUILT_IN_CATALOG_FILE);

/** Version of the built-in catalog content (`catalog_version` in the data file). */
export const CATALOG_VERSION: string = BUILT_IN_CATALOG.version;
