/**
 * The Model Square catalog as the rest of the service sees it, after `loadCatalog` has
 * validated the raw data file (`data/model-square.v1.json`, snake_case) and mapped it here.
 */

/** Model types of Table 4-2 (the console's "Type" filter). */
export const MODEL_TYPES = ['text_generation', 'image_understanding'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

export const MODEL_TYPE_DISPLAY_NAMES: Readonly<Record<ModelType, string>> = {
  text_generation: 'Text generation',
  image_understanding: 'Image understanding',
};

/** Job types of Table 4-1 ("Supported Job Types": all, deployment). */
export const JOB_TYPES = ['deploy'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** The Context Length filter of Table 4-1: fewer than 16K, or 16K and more. */
export const CONTEXT_LENGTH_FILTERS = ['lt_16k', 'ge_16k'] as const;
export type ContextLengthFilter = (typeof CONTEXT_LENGTH_FILTERS)[number];
export const CONTEXT_LENGTH_THRESHOLD = 16_384;

/**
 * An instance specification a model can run on. One instance spans `nodesPerInstance`
 * servers with `npusPerNode` NPUs each (one pod per server); `cpu` and `memoryGib` are per
 * pod.
 */
export interface Flavor {
  readonly id: string;
  readonly name: string;
  readonly serverType: string;
  readonly npuType: string;
  readonly npuMemoryGib: number;
  readonly npusPerInstance: number;
  readonly nodesPerInstance: number;
  readonly npusPerNode: number;
  readonly cpu: number;
  readonly memoryGib: number;
}

/** The model-server command line with `{placeholders}` (see SERVER_PLACEHOLDERS). */
export interface ServerTemplate {
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly port: number;
  readonly readinessPath: string;
}

export interface ModelVersion {
  /** `major.minor.patch`. */
  readonly version: string;
  readonly image: string;
  /** The weights' directory under the model volume, e.g. `Qwen/Qwen3-8B`. */
  readonly weights: string;
  readonly notes: string;
}

/** A context-length variant of a model (a row of Table 4-3). */
export interface ModelVariant {
  readonly id: string;
  /** Table 4-3's name, e.g. `DeepSeek-R1-32K`. */
  readonly name: string;
  /** Default maximum input + output tokens; the gateway enforces it. */
  readonly contextLength: number;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly flavorIds: readonly string[];
}

export interface CatalogModel {
  readonly id: string;
  readonly name: string;
  readonly series: string;
  readonly type: ModelType;
  readonly jobTypes: readonly JobType[];
  /** ISO 639-1 codes. */
  readonly languages: readonly string[];
  readonly useCases: string;
  readonly description: string;
  /** Oldest first. */
  readonly versions: readonly ModelVersion[];
  readonly latestVersion: string;
  readonly variants: readonly ModelVariant[];
  /** Appended to the server template's args for this model. */
  readonly serverExtraArgs: readonly string[];
}

export interface CatalogData {
  readonly schemaVersion: number;
  /** Version of the catalog content, recorded on each service deployed from it. */
  readonly version: string;
  readonly serverDefaults: ServerTemplate;
  readonly flavors: readonly Flavor[];
  readonly models: readonly CatalogModel[];
}

/** Everything the reconciler needs to run one (model, version, variant). */
export interface ResolvedModel {
  readonly catalogVersion: string;
  readonly model: CatalogModel;
  readonly version: ModelVersion;
  readonly variant: ModelVariant;
  /** The flavors the variant can run on. */
  readonly flavors: readonly Flavor[];
  /** Defaults merged with the model's extra args; placeholders not yet filled. */
  readonly server: ServerTemplate;
}

/** A rendered model-server container, ready for a pod template. */
export interface ModelServerContainer {
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly port: number;
  readonly readinessPath: string;
}

export interface CatalogFilter {
  readonly series?: string;
  readonly type?: ModelType;
  readonly jobType?: JobType;
  readonly contextLength?: ContextLengthFilter;
  /** Case-insensitive substring of the model's or a variant's name. */
  readonly name?: string;
}
