import {
  type CatalogData,
  type CatalogModel,
  type Flavor,
  JOB_TYPES,
  MODEL_TYPES,
  type ModelVariant,
  type ModelVersion,
  type ServerTemplate,
} from './catalog.types.js';
import { CatalogDataError } from './catalog-data.error.js';
import { DataReader } from './data-reader.js';
import { SERVER_PLACEHOLDERS, placeholdersIn } from './server-placeholders.js';
import { VERSION_PATTERN, compareVersions } from './versions.js';

/** The only schema of the data file this code reads. */
export const CATALOG_SCHEMA_VERSION = 1;

const ID = /^[a-z0-9][a-z0-9.-]{0,62}$/;
const LANGUAGE = /^[a-z]{2}$/;
const HTTP_PATH = /^\/\S*$/;

/**
 * Validates the raw catalog document (parsed JSON) and maps it to CatalogData. Throws one
 * CatalogDataError listing every problem found: a malformed catalog must stop the service
 * at start-up, not surface later as a half-working deploy.
 */
export function loadCatalog(raw: unknown): CatalogData {
  const read = new DataReader();
  const doc = read.object(raw, '$');
  if (doc.schema_version !== CATALOG_SCHEMA_VERSION)
    read.fail('$.schema_version', `must be ${CATALOG_SCHEMA_VERSION}`);
  const version = read.string(doc.catalog_version, '$.catalog_version');
  const serverDefaults = readServer(read, doc.server_defaults, '$.server_defaults');
  const flavors = read
    .array(doc.flavors, '$.flavors', { nonEmpty: true })
    .map((item, i) => readFlavor(read, item, `$.flavors[${i}]`));
  read.unique(
    flavors.map((f) => f.id),
    '$.flavors',
    'flavor id',
  );
  const flavorIds = new Set(flavors.map((f) => f.id));
  const models = read
    .array(doc.models, '$.models', { nonEmpty: true })
    .map((item, i) => readModel(read, item, `$.models[${i}]`, flavorIds));
  read.unique(
    models.map((m) => m.id),
    '$.models',
    'model id',
  );
  if (read.issues.length > 0) throw new CatalogDataError(read.issues);
  return { schemaVersion: CATALOG_SCHEMA_VERSION, version, serverDefaults, flavors, models };
}

function readServer(read: DataReader, value: unknown, path: string): ServerTemplate {
  const raw = read.object(value, path);
  const command = read.strings(raw.command, `${path}.command`, { nonEmpty: true });
  const args = readTemplateArgs(read, raw.args, `${path}.args`);
  const port = read.integer(raw.port, `${path}.port`, 1, 65_535);
  const readinessPath = read.string(raw.readiness_path, `${path}.readiness_path`, HTTP_PATH);
  return { command, args, port, readinessPath };
}

function readTemplateArgs(read: DataReader, value: unknown, path: string): string[] {
  const args = read.args(value, path);
  args.forEach((arg, i) => {
    for (const name of placeholdersIn(arg))
      if (!(SERVER_PLACEHOLDERS as readonly string[]).includes(name))
        read.fail(`${path}[${i}]`, `unknown placeholder {${name}}`);
  });
  return args;
}

function readFlavor(read: DataReader, value: unknown, path: string): Flavor {
  const raw = read.object(value, path);
  const npusPerInstance = read.integer(raw.npus_per_instance, `${path}.npus_per_instance`, 1);
  const nodesPerInstance = read.integer(raw.nodes_per_instance, `${path}.nodes_per_instance`, 1);
  if (npusPerInstance % nodesPerInstance !== 0)
    read.fail(path, 'npus_per_instance must be a multiple of nodes_per_instance');
  return {
    id: read.string(raw.id, `${path}.id`, ID),
    name: read.string(raw.name, `${path}.name`),
    serverType: read.string(raw.server_type, `${path}.server_type`),
    npuType: read.string(raw.npu_type, `${path}.npu_type`),
    npuMemoryGib: read.integer(raw.npu_memory_gib, `${path}.npu_memory_gib`, 1),
    npusPerInstance,
    nodesPerInstance,
    npusPerNode: Math.floor(npusPerInstance / nodesPerInstance),
    cpu: read.integer(raw.cpu, `${path}.cpu`, 1),
    memoryGib: read.integer(raw.memory_gib, `${path}.memory_gib`, 1),
  };
}

function readModel(
  read: DataReader,
  value: unknown,
  path: string,
  flavorIds: ReadonlySet<string>,
): CatalogModel {
  const raw = read.object(value, path);
  const versions = read
    .array(raw.versions, `${path}.versions`, { nonEmpty: true })
    .map((item, i) => readVersion(read, item, `${path}.versions[${i}]`));
  read.unique(
    versions.map((v) => v.version),
    `${path}.versions`,
    'version',
  );
  const sorted = versions
    .filter((v) => VERSION_PATTERN.test(v.version))
    .sort((a, b) => compareVersions(a.version, b.version));
  const variants = read
    .array(raw.variants, `${path}.variants`, { nonEmpty: true })
    .map((item, i) => readVariant(read, item, `${path}.variants[${i}]`, flavorIds));
  read.unique(
    variants.map((v) => v.id),
    `${path}.variants`,
    'variant id',
  );
  const server = read.object(raw.server, `${path}.server`);
  return {
    id: read.string(raw.id, `${path}.id`, ID),
    name: read.string(raw.name, `${path}.name`),
    series: read.string(raw.series, `${path}.series`),
    type: read.oneOf(raw.type, `${path}.type`, MODEL_TYPES),
    jobTypes: read
      .array(raw.job_types, `${path}.job_types`, { nonEmpty: true })
      .map((item, i) => read.oneOf(item, `${path}.job_types[${i}]`, JOB_TYPES)),
    languages: read
      .array(raw.languages, `${path}.languages`, { nonEmpty: true })
      .map((item, i) => read.string(item, `${path}.languages[${i}]`, LANGUAGE)),
    useCases: read.string(raw.use_cases, `${path}.use_cases`),
    description: read.string(raw.description, `${path}.description`),
    versions: sorted,
    latestVersion: sorted.at(-1)?.version ?? '',
    variants,
    serverExtraArgs: readTemplateArgs(read, server.extra_args, `${path}.server.extra_args`),
  };
}

function readVersion(read: DataReader, value: unknown, path: string): ModelVersion {
  const raw = read.object(value, path);
  return {
    version: read.string(raw.version, `${path}.version`, VERSION_PATTERN),
    image: read.string(raw.image, `${path}.image`, /^\S+$/),
    weights: read.string(raw.weights, `${path}.weights`, /^\S+$/),
    notes: read.string(raw.notes, `${path}.notes`),
  };
}

function readVariant(
  read: DataReader,
  value: unknown,
  path: string,
  flavorIds: ReadonlySet<string>,
): ModelVariant {
  const raw = read.object(value, path);
  const contextLength = read.integer(raw.context_length, `${path}.context_length`, 1);
  const maxInputTokens = read.integer(raw.max_input_tokens, `${path}.max_input_tokens`, 1);
  const maxOutputTokens = read.integer(raw.max_output_tokens, `${path}.max_output_tokens`, 1);
  if (maxInputTokens + maxOutputTokens > contextLength)
    read.fail(path, 'max_input_tokens + max_output_tokens must not exceed context_length');
  const flavors = read.strings(raw.flavors, `${path}.flavors`, { nonEmpty: true });
  read.unique(flavors, `${path}.flavors`, 'flavor');
  for (const id of flavors)
    if (id !== '' && !flavorIds.has(id)) read.fail(`${path}.flavors`, `unknown flavor ${id}`);
  return {
    id: read.string(raw.id, `${path}.id`, ID),
    name: read.string(raw.name, `${path}.name`),
    contextLength,
    maxInputTokens,
    maxOutputTokens,
    flavorIds: flavors,
  };
}
