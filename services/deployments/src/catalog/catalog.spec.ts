import { readFileSync } from 'node:fs';
import { DomainError } from '@maas/errors';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG, BUILT_IN_CATALOG_FILE, CATALOG_VERSION } from './built-in-catalog.js';
import { CatalogErrorCode } from './catalog.errors.js';
import { type ModelServerContainer, type ResolvedModel } from './catalog.types.js';
import { CatalogDataError } from './catalog-data.error.js';
import { loadCatalog } from './load-catalog.js';
import { renderServerContainer } from './render-server-container.js';
import { compareVersions, isNewerVersion } from './versions.js';

const catalog = BUILT_IN_CATALOG;

/** Seed 002 Table 4-3, as printed ("Other models 4,096" covers DeepSeek Coder). */
const TABLE_4_3: Record<string, number> = {
  'DeepSeek-R1-8K': 8192,
  'DeepSeek-V3-8K': 8192,
  'DeepSeek-R1-Distill-Qwen-14B-8K': 8192,
  'DeepSeek-R1-Distill-Qwen-32B-8K': 8192,
  'DeepSeek-R1-16K': 16384,
  'DeepSeek-V3-16K': 16384,
  'QwQ-32B-16K': 16384,
  'DeepSeek-R1-32K': 32768,
  'DeepSeek-V3-32K': 32768,
  'QwQ-32B-32K': 32768,
  'Qwen2.5-VL-7B-32K': 32768,
  'Qwen3-8B-32K': 32768,
  'DeepSeek-R1-Distill-Qwen-32B-32K': 32768,
  'DeepSeek-V3-64K': 65536,
  'Qwen2.5-32B-64K': 65536,
  'DeepSeek-Coder-4K': 4096,
};

/** Seed 002 Table 4-2: model → series, type, languages. */
const TABLE_4_2: Record<string, [string, string, string[]]> = {
  'DeepSeek-R1': ['DeepSeek', 'text_generation', ['zh', 'en']],
  'DeepSeek-V3': ['DeepSeek', 'text_generation', ['zh', 'en']],
  'DeepSeek-R1-Distill-Qwen-14B': ['DeepSeek', 'text_generation', ['zh', 'en']],
  'DeepSeek-R1-Distill-Qwen-32B': ['DeepSeek', 'text_generation', ['zh', 'en']],
  'DeepSeek-Coder': ['DeepSeek', 'text_generation', ['zh', 'en']],
  'QwQ-32B': ['Qwen', 'text_generation', ['en']],
  'Qwen2.5-32B': ['Qwen2.5', 'text_generation', ['zh', 'en']],
  'Qwen2.5-VL-7B': ['Qwen2.5', 'image_understanding', ['zh', 'en']],
  'Qwen3-8B': ['Qwen3', 'text_generation', ['zh', 'en']],
};

const ids = (models: readonly { id: string }[]) => models.map((m) => m.id);

function resolved(request: Parameters<typeof catalog.resolve>[0]): ResolvedModel {
  const result = catalog.resolve(request);
  if (result instanceof DomainError) throw result;
  return result;
}

function rawCatalog(): Record<string, unknown> {
  return JSON.parse(readFileSync(BUILT_IN_CATALOG_FILE, 'utf8')) as Record<string, unknown>;
}

describe('the built-in Model Square', () => {
  it('loads, with its version', () => {
    expect(CATALOG_VERSION).toBe('2025.1.0');
    expect(catalog.version).toBe(CATALOG_VERSION);
  });

  it('holds every model of Table 4-2 with its series, type and languages', () => {
    const actual = Object.fromEntries(
      catalog.list().map((m) => [m.name, [m.series, m.type, [...m.languages]]]),
    );
    expect(actual).toEqual(TABLE_4_2);
  });

  it('holds every variant of Table 4-3 with its context length, and no other', () => {
    const actual = Object.fromEntries(
      catalog.list().flatMap((m) => m.variants.map((v) => [v.name, v.contextLength])),
    );
    expect(actual).toEqual(TABLE_4_3);
  });

  it('gives every variant default max input + output tokens within its context length', () => {
    for (const variant of catalog.list().flatMap((m) => m.variants)) {
      expect(variant.maxInputTokens + variant.maxOutputTokens).toBe(variant.contextLength);
      expect(variant.maxOutputTokens).toBe(Math.min(8192, variant.contextLength / 2));
    }
  });

  it('lets every model be deployed, on flavors that exist', () => {
    for (const model of catalog.list()) {
      expect(model.jobTypes).toContain('deploy');
      for (const id of model.variants.flatMap((v) => v.flavorIds))
        expect(catalog.flavor(id)).toBeDefined();
    }
  });

  it('describes flavors by server, NPU type and NPUs per instance', () => {
    expect(catalog.flavor('ascend-910b-8')).toMatchObject({
      serverType: 'Atlas 800I A2',
      npuType: 'Ascend 910B',
      npusPerInstance: 8,
      nodesPerInstance: 1,
      npusPerNode: 8,
    });
    expect(catalog.flavor('ascend-910b-2x8')).toMatchObject({
      npusPerInstance: 16,
      nodesPerInstance: 2,
      npusPerNode: 8,
    });
  });

  it('lists versions oldest first with the latest marked', () => {
    const r1 = catalog.get('deepseek-r1');
    expect(r1?.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(r1?.latestVersion).toBe('1.1.0');
  });

  it('gets a model by id, and nothing for an unknown id', () => {
    expect(catalog.get('qwen3-8b')?.name).toBe('Qwen3-8B');
    expect(catalog.get('gpt-4')).toBeUndefined();
  });
});

describe('filters', () => {
  it('by series, case-insensitively', () => {
    expect(ids(catalog.list({ series: 'deepseek' }))).toEqual([
      'deepseek-r1',
      'deepseek-v3',
      'deepseek-r1-distill-qwen-14b',
      'deepseek-r1-distill-qwen-32b',
      'deepseek-coder',
    ]);
    expect(ids(catalog.list({ series: 'Qwen3' }))).toEqual(['qwen3-8b']);
  });

  it('by type', () => {
    expect(ids(catalog.list({ type: 'image_understanding' }))).toEqual(['qwen2.5-vl-7b']);
    expect(catalog.list({ type: 'text_generation' })).toHaveLength(8);
  });

  it('by job type', () => {
    expect(catalog.list({ jobType: 'deploy' })).toHaveLength(9);
  });

  it('by context length < 16K, keeping only the matching variants', () => {
    const models = catalog.list({ contextLength: 'lt_16k' });
    expect(models.flatMap((m) => m.variants.map((v) => v.name))).toEqual([
      'DeepSeek-R1-8K',
      'DeepSeek-V3-8K',
      'DeepSeek-R1-Distill-Qwen-14B-8K',
      'DeepSeek-R1-Distill-Qwen-32B-8K',
      'DeepSeek-Coder-4K',
    ]);
  });

  it('by context length >= 16K (16K itself included)', () => {
    const models = catalog.list({ contextLength: 'ge_16k' });
    expect(ids(models)).toEqual([
      'deepseek-r1',
      'deepseek-v3',
      'deepseek-r1-distill-qwen-32b',
      'qwq-32b',
      'qwen2.5-32b',
      'qwen2.5-vl-7b',
      'qwen3-8b',
    ]);
    expect(models[0].variants.map((v) => v.id)).toEqual(['16k', '32k']);
  });

  it('by name: a case-insensitive substring of the model or a variant name', () => {
    expect(ids(catalog.list({ name: 'QWEN3' }))).toEqual(['qwen3-8b']);
    expect(ids(catalog.list({ name: 'distill' }))).toEqual([
      'deepseek-r1-distill-qwen-14b',
      'deepseek-r1-distill-qwen-32b',
    ]);
    expect(ids(catalog.list({ name: 'V3-64k' }))).toEqual(['deepseek-v3']);
    expect(catalog.list({ name: 'llama' })).toEqual([]);
  });

  it('combined', () => {
    expect(
      ids(catalog.list({ series: 'DeepSeek', contextLength: 'ge_16k', name: 'qwen' })),
    ).toEqual(['deepseek-r1-distill-qwen-32b']);
  });

  it('offers the facets of the filter bar', () => {
    expect(catalog.facets()).toEqual({
      series: ['DeepSeek', 'Qwen', 'Qwen2.5', 'Qwen3'],
      types: ['text_generation', 'image_understanding'],
      jobTypes: ['deploy'],
    });
  });
});

describe('resolve', () => {
  it('defaults to the latest version and the only variant', () => {
    const spec = resolved({ modelId: 'qwen3-8b' });
    expect(spec.version.version).toBe('1.0.1');
    expect(spec.variant.name).toBe('Qwen3-8B-32K');
    expect(spec.catalogVersion).toBe(CATALOG_VERSION);
    expect(spec.flavors.map((f) => f.id)).toEqual(['ascend-910b-1', 'ascend-910b-2']);
    expect(spec.server).toMatchObject({ port: 8000, readinessPath: '/health' });
  });

  it('resolves a given version and variant', () => {
    const spec = resolved({ modelId: 'deepseek-v3', version: '1.0.0', variant: '64k' });
    expect(spec.version.weights).toBe('deepseek-ai/DeepSeek-V3-W8A8');
    expect(spec.variant.contextLength).toBe(65536);
    expect(spec.flavors.map((f) => f.id)).toEqual(['ascend-910b-4x8']);
  });

  it.each([
    [{ modelId: 'gpt-4' }, CatalogErrorCode.ModelNotFound, 'not_found'],
    [
      { modelId: 'deepseek-r1', version: '9.9.9', variant: '8k' },
      CatalogErrorCode.VersionNotFound,
      'not_found',
    ],
    [{ modelId: 'deepseek-r1', variant: '128k' }, CatalogErrorCode.VariantNotFound, 'not_found'],
    [{ modelId: 'deepseek-r1' }, CatalogErrorCode.VariantRequired, 'validation'],
  ])('refuses %j', (request, code, kind) => {
    const error = catalog.resolve(request);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code, kind });
  });
});

describe('the model-server container', () => {
  function render(request: Parameters<typeof catalog.resolve>[0], flavorId: string) {
    const result = renderServerContainer(resolved(request), {
      servedModelName: 'my-svc',
      flavorId,
    });
    if (result instanceof DomainError) throw result;
    return result;
  }

  it('serves the model under the service name on port 8000 with /health readiness', () => {
    const container: ModelServerContainer = render(
      { modelId: 'qwen3-8b', version: '1.0.0' },
      'ascend-910b-2',
    );
    expect(container).toEqual({
      image: 'quay.io/ascend/vllm-ascend:v0.9.1',
      command: ['vllm', 'serve'],
      args: [
        '/mnt/models/Qwen/Qwen3-8B',
        '--served-model-name',
        'my-svc',
        '--host',
        '0.0.0.0',
        '--port',
        '8000',
        '--max-model-len',
        '32768',
        '--tensor-parallel-size',
        '2',
        '--reasoning-parser',
        'qwen3',
      ],
      port: 8000,
      readinessPath: '/health',
    });
  });

  it('splits a multi-server flavor into tensor × pipeline parallelism', () => {
    const { args } = render({ modelId: 'deepseek-r1', variant: '32k' }, 'ascend-910b-2x8');
    const arg = (flag: string) => args[args.indexOf(flag) + 1];
    expect(arg('--tensor-parallel-size')).toBe('8');
    expect(arg('--pipeline-parallel-size')).toBe('2');
    expect(arg('--max-model-len')).toBe('32768');
    expect(args.join(' ')).not.toMatch(/[{}]/);
  });

  it('refuses a flavor the variant does not run on', () => {
    const result = renderServerContainer(resolved({ modelId: 'qwen3-8b' }), {
      servedModelName: 'x',
      flavorId: 'ascend-910b-2x8',
    });
    expect(result).toMatchObject({ code: CatalogErrorCode.FlavorNotSupported, kind: 'validation' });
  });
});

describe('loading catalog data fails loudly on malformed data', () => {
  type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  function issuesOf(mutate: (raw: Raw) => void): string[] {
    const raw = rawCatalog() as Raw;
    mutate(raw);
    try {
      loadCatalog(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogDataError);
      return [...(error as CatalogDataError).issues];
    }
    throw new Error('loadCatalog accepted malformed data');
  }

  it('accepts the shipped file', () => {
    expect(() => loadCatalog(rawCatalog())).not.toThrow();
  });

  it.each<[string, (raw: Raw) => void, string]>([
    ['a non-object', (raw) => Object.assign(raw, { models: 'x' }), '$.models: must be an array'],
    ['another schema version', (raw) => (raw.schema_version = 2), '$.schema_version: must be 1'],
    [
      'no catalog version',
      (raw) => delete raw.catalog_version,
      '$.catalog_version: must be a non-empty string',
    ],
    ['no models', (raw) => (raw.models = []), '$.models: must not be empty'],
    [
      'a duplicate model id',
      (raw) => (raw.models[1].id = 'deepseek-r1'),
      '$.models: duplicate model id deepseek-r1',
    ],
    ['an id with capitals', (raw) => (raw.models[0].id = 'DeepSeek'), '$.models[0].id: must match'],
    [
      'an unknown type',
      (raw) => (raw.models[0].type = 'llm'),
      '$.models[0].type: must be one of text_generation, image_understanding',
    ],
    [
      'an unknown job type',
      (raw) => (raw.models[0].job_types = ['train']),
      '$.models[0].job_types[0]: must be one of deploy',
    ],
    [
      'a malformed version',
      (raw) => (raw.models[0].versions[0].version = 'v1'),
      '$.models[0].versions[0].version: must match',
    ],
    [
      'a duplicate version',
      (raw) => (raw.models[0].versions[1].version = '1.0.0'),
      '$.models[0].versions: duplicate version 1.0.0',
    ],
    [
      'a variant without flavors',
      (raw) => (raw.models[0].variants[0].flavors = []),
      '$.models[0].variants[0].flavors: must not be empty',
    ],
    [
      'an unknown flavor',
      (raw) => (raw.models[0].variants[0].flavors = ['tpu-v5']),
      '$.models[0].variants[0].flavors: unknown flavor tpu-v5',
    ],
    [
      'tokens over the context length',
      (raw) => (raw.models[0].variants[0].max_output_tokens = 8192),
      '$.models[0].variants[0]: max_input_tokens + max_output_tokens must not exceed context_length',
    ],
    [
      'a zero context length',
      (raw) => (raw.models[0].variants[0].context_length = 0),
      '$.models[0].variants[0].context_length: must be an integer from 1',
    ],
    [
      'an unknown placeholder',
      (raw) => (raw.models[0].server.extra_args = ['{secret}']),
      '$.models[0].server.extra_args[0]: unknown placeholder {secret}',
    ],
    [
      'a bad port',
      (raw) => (raw.server_defaults.port = 70000),
      '$.server_defaults.port: must be an integer from 1 to 65535',
    ],
    [
      'a readiness path without /',
      (raw) => (raw.server_defaults.readiness_path = 'health'),
      '$.server_defaults.readiness_path: must match',
    ],
    [
      'NPUs not split evenly over nodes',
      (raw) => (raw.flavors[4].npus_per_instance = 15),
      '$.flavors[4]: npus_per_instance must be a multiple of nodes_per_instance',
    ],
    [
      'a duplicate flavor',
      (raw) => (raw.flavors[1].id = 'ascend-910b-1'),
      '$.flavors: duplicate flavor id ascend-910b-1',
    ],
  ])('%s', (_what, mutate, issue) => {
    expect(issuesOf(mutate).some((i) => i.startsWith(issue))).toBe(true);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf((raw) => {
      raw.models[0].type = 'llm';
      raw.models[2].variants[0].flavors = ['nope'];
      raw.flavors[0].cpu = 0;
    });
    expect(issues).toHaveLength(3);
  });

  it('refuses something that is not a catalog at all', () => {
    expect(() => loadCatalog(null)).toThrow(CatalogDataError);
    expect(() => loadCatalog([])).toThrow(/\$: must be an object/);
  });
});

describe('versions', () => {
  it('compare numerically, part by part', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(isNewerVersion('2.0.0', '1.99.99')).toBe(true);
    expect(isNewerVersion('1.0.0', '1.0.1')).toBe(false);
  });
});
