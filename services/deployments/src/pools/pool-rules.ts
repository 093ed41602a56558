import { type ModelCatalog } from '../catalog/model-catalog.js';
import { type FieldProblem } from '../validation/invalid-fields.error.js';
import { MAX_DESCRIPTION_LENGTH } from '../validation/index.js';
import { type PoolTaint } from './pool.entity.js';

/** Pool names are also the default label value (`maas.io/pool=<name>`): a DNS-1123 label. */
export const POOL_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
export const POOL_LABEL_KEY = 'maas.io/pool';
export const DEFAULT_NPU_RESOURCE = 'huawei.com/Ascend910';
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const MAX_SELECTOR_LABELS = 16;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A Kubernetes qualified name (`[prefix/]name`), e.g. a label key or a taint key. */
export function isQualifiedName(value: string, { prefixRequired = false } = {}): boolean {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : '';
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (slash >= 0 && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  if (prefixRequired && slash < 0) return false;
  return name.length <= 63 && NAME_PART.test(name);
}

/** A non-empty Kubernetes label value. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && NAME_PART.test(value);
}

export interface PoolFields {
  name?: unknown;
  description?: unknown;
  region?: unknown;
  node_selector?: unknown;
  taint?: unknown;
  npu_resource_name?: unknown;
  flavors?: unknown;
}

/** Pool fields after the checks, defaults not yet applied (undefined = not given). */
export interface CheckedPoolFields {
  name?: string;
  description?: string;
  region?: string;
  nodeSelector?: Record<string, string>;
  taint?: PoolTaint | null;
  npuResourceName?: string;
  flavorIds?: string[];
}

type Check<T> = { value?: T; problems: FieldProblem[] };

const ok = <T>(value: T): Check<T> => ({ value, problems: [] });
const bad = <T>(field: string, problem: string): Check<T> => ({ problems: [{ field, problem }] });

/**
 * Checks the pool fields that are present (create passes them all, update only some) and
 * returns the values, or every problem with its field.
 */
export function checkPoolFields(
  body: PoolFields,
  catalog: ModelCatalog,
): { value: CheckedPoolFields; problems: FieldProblem[] } {
  const checks = {
    name: given(body.name, checkName),
    description: given(body.description, checkDescription),
    region: given(body.region, checkRegion),
    nodeSelector: given(body.node_selector, checkNodeSelector),
    taint: given(body.taint, checkTaint),
    npuResourceName: given(body.npu_resource_name, checkNpuResource),
    flavorIds: given(body.flavors, (v) => checkFlavors(v, catalog)),
  };
  const value: CheckedPoolFields = {};
  for (const [key, check] of Object.entries(checks))
    if (check.value !== undefined) (value as Record<string, unknown>)[key] = check.value;
  return { value, problems: Object.values(checks).flatMap((c) => c.problems) };
}

function given<T>(value: unknown, check: (value: unknown) => Check<T>): Check<T> {
  return value === undefined ? { problems: [] } : check(value);
}

function checkName(value: unknown): Check<string> {
  return typeof value === 'string' && POOL_NAME_PATTERN.test(value)
    ? ok(value)
    : bad(
        'name',
        'must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      );
}

function checkDescription(value: unknown): Check<string> {
  return typeof value === 'string' && [...value].length <= MAX_DESCRIPTION_LENGTH
    ? ok(value)
    : bad('description', `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`);
}

function checkRegion(value: unknown): Check<string> {
  return typeof value === 'string' && REGION_PATTERN.test(value)
    ? ok(value)
    : bad('region', 'must be a region id such as cn-southwest-2');
}

function checkNodeSelector(value: unknown): Check<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('node_selector', 'must be an object of node labels, e.g. {"maas.io/pool": "a"}');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_SELECTOR_LABELS)
    return bad('node_selector', `must have 1 to ${MAX_SELECTOR_LABELS} labels`);
  const problems = entries.flatMap(([key, label]) => {
    if (!isQualifiedName(key))
      return [{ field: `node_selector.${key}`, problem: 'is not a valid label key' }];
    if (typeof label !== 'string' || !isLabelValue(label))
      return [{ field: `node_selector.${key}`, problem: 'must be a valid, non-empty label value' }];
    return [];
  });
  return problems.length > 0 ? { problems } : ok(value as Record<string, string>);
}

function checkTaint(value: unknown): Check<PoolTaint | null> {
  if (value === null) return ok(null);
  if (typeof value !== 'object' || Array.isArray(value))
    return bad('taint', 'must be null or {"key", "value", "effect"}');
  const { key, value: label, effect, ...rest } = value as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(rest).map((field) => ({
    field: `taint.${field}`,
    problem: 'is not a taint field (key, value, effect)',
  }));
  if (typeof key !== 'string' || !isQualifiedName(key))
    problems.push({ field: 'taint.key', problem: 'must be a valid taint key' });
  if (typeof label !== 'string' || !isLabelValue(label))
    problems.push({ field: 'taint.value', problem: 'must be a valid, non-empty taint value' });
  if (!(TAINT_EFFECTS as readonly unknown[]).includes(effect))
    problems.push({ field: 'taint.effect', problem: `must be one of ${TAINT_EFFECTS.join(', ')}` });
  return problems.length > 0 ? { problems } : ok(value as PoolTaint);
}

function checkNpuResource(value: unknown): Check<string> {
  return typeof value === 'string' &&
    value.length <= 316 &&
    isQualifiedName(value, { prefixRequired: true })
    ? ok(value)
    : bad(
        'npu_resource_name',
        'must be a domain-qualified extended resource name such as huawei.com/Ascend910',
      );
}

function checkFlavors(value: unknown, catalog: ModelCatalog): Check<string[]> {
  if (!Array.isArray(value) || value.length === 0)
    return bad('flavors', 'must list at least one Model Square flavor id');
  const known = catalog.data.flavors.map((f) => f.id);
  const problems = value.flatMap((id: unknown, i) =>
    typeof id === 'string' && known.includes(id)
      ? []
      : [{ field: `flavors[${i}]`, problem: `must be a flavor id: ${known.join(', ')}` }],
  );
  return problems.length > 0 ? { problems } : ok([...new Set(value as string[])]);
}
