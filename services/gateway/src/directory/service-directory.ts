import { ServiceState } from '@maas/events';

/**
 * What the gateway needs to route to one model service: the latest ServiceChanged snapshot
 * of maas.deployments.v1 (SPEC §5, §8) in TypeScript shapes.
 */
export interface RoutableService {
  serviceId: string;
  accountId: string;
  projectId: string;
  region: string;
  /** Served model name = the service name, unique in its project; what callers send as `model`. */
  name: string;
  /** Model Square name, e.g. "DeepSeek-R1" (model-specific request rules key on it). */
  modelName: string;
  modelVersion: string;
  /** API value of the lifecycle state, e.g. "running". */
  state: string;
  /** True in running, alarm, updating, upgrading (SPEC §5 "Services may be called in …"). */
  callable: boolean;
  /** The service's QPS limit (ModelArts.4206 above it); 0 = none. */
  qps: number;
  contextLength: number;
  maxInputTokens: number;
  maxOutputTokens: number;
  /** Deployed by the operator and published to every tenant of the region (SPEC §8). */
  preset: boolean;
  /** The Kubernetes Service in front of the instances. */
  namespace: string;
  k8sServiceName: string;
  port: number;
  version: bigint;
}

export type ResolutionFailure = 'unknown_model' | 'not_callable' | 'preset_not_enabled';

export type Resolution =
  | { ok: true; service: RoutableService }
  | { ok: false; reason: ResolutionFailure; service?: RoutableService };

/** The fields of a ServiceChanged message the directory reads (the generated type fits). */
export interface ServiceSnapshot {
  serviceId: string;
  accountId: string;
  projectId: string;
  region: string;
  name: string;
  state: ServiceState;
  qps: number;
  modelName: string;
  modelVersion: string;
  contextLength: number;
  maxInputTokens: number;
  maxOutputTokens: number;
  k8sNamespace: string;
  k8sServiceName: string;
  port: number;
  deleted: boolean;
  version: bigint;
  preset?: boolean;
}

/** The fields of a PresetServiceAccessChanged message (the generated type fits). */
export interface PresetAccessChange {
  accountId: string;
  serviceId: string;
  enabled: boolean;
  version: bigint;
}

/** API values of the lifecycle states: the enum names, lowercase, without the prefix. */
const STATE_NAMES: Readonly<Record<ServiceState, string>> = {
  [ServiceState.UNSPECIFIED]: 'unspecified',
  [ServiceState.QUEUING]: 'queuing',
  [ServiceState.DEPLOYING]: 'deploying',
  [ServiceState.STARTING]: 'starting',
  [ServiceState.RUNNING]: 'running',
  [ServiceState.ALARM]: 'alarm',
  [ServiceState.UPDATING]: 'updating',
  [ServiceState.UPGRADING]: 'upgrading',
  [ServiceState.STOPPING]: 'stopping',
  [ServiceState.STOPPED]: 'stopped',
  [ServiceState.DEPLOYMENT_FAILED]: 'deployment_failed',
  [ServiceState.DELETING]: 'deleting',
};

/**
 * SPEC §5: "Services may be called in running, alarm, updating, upgrading". Derived from the
 * state rather than trusted from the snapshot's `callable`, so the rule lives in one place.
 */
const CALLABLE_STATES: ReadonlySet<ServiceState> = new Set([
  ServiceState.RUNNING,
  ServiceState.ALARM,
  ServiceState.UPDATING,
  ServiceState.UPGRADING,
]);

export function stateName(state: ServiceState): string {
  return STATE_NAMES[state] ?? 'unspecified';
}

export function isCallableState(state: ServiceState): boolean {
  return CALLABLE_STATES.has(state);
}

export function toRoutable(s: ServiceSnapshot): RoutableService {
  return {
    serviceId: s.serviceId,
    accountId: s.accountId,
    projectId: s.projectId,
    region: s.region,
    name: s.name,
    modelName: s.modelName,
    modelVersion: s.modelVersion,
    state: stateName(s.state),
    callable: isCallableState(s.state),
    qps: s.qps,
    contextLength: s.contextLength,
    maxInputTokens: s.maxInputTokens,
    maxOutputTokens: s.maxOutputTokens,
    preset: s.preset ?? false,
    namespace: s.k8sNamespace,
    k8sServiceName: s.k8sServiceName,
    port: s.port,
    version: s.version,
  };
}

export interface ServiceDirectoryOptions {
  /**
   * The gateway's region. Services of other regions are not kept (their instances are not in
   * this region's cluster, and preset services are published per region). Empty: keep all.
   */
  region?: string;
}

const nameKey = (projectId: string, name: string) => `${projectId}\u0000${name}`;
const accessKey = (accountId: string, serviceId: string) => `${accountId}\u0000${serviceId}`;

const byName = (a: RoutableService, b: RoutableService) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.serviceId < b.serviceId ? -1 : 1;

/**
 * The routable model services, in memory, fed from maas.deployments.v1 (SPEC §8 routing).
 * Per service the highest version wins: an older or equal snapshot is ignored, and a
 * deletion is remembered by its version so a replay of older snapshots cannot bring the
 * service back. Reads are map lookups (the hot path resolves a model per request).
 */
export class ServiceDirectory {
  private readonly region: string;
  private readonly services = new Map<string, RoutableService>();
  /** Highest version seen per service id, deleted ones included. */
  private readonly versions = new Map<string, bigint>();
  /**
   * project + name → ids of the project's services with that name (one, except briefly
   * while a deleted service's name is reused by a new one).
   */
  private readonly ownByName = new Map<string, Set<string>>();
  /** name → ids of the preset services with that name. */
  private readonly presetsByName = new Map<string, Set<string>>();
  /** account + preset service id → enabled, with its version. */
  private readonly access = new Map<string, { enabled: boolean; version: bigint }>();

  constructor(options: ServiceDirectoryOptions = {}) {
    this.region = options.region ?? '';
  }

  /** Applies a ServiceChanged snapshot; false when it was older than what is known (ignored). */
  applyServiceChanged(snapshot: ServiceSnapshot): boolean {
    const known = this.versions.get(snapshot.serviceId);
    if (known !== undefined && snapshot.version <= known) return false;
    if (this.region && snapshot.region !== this.region) return false;
    this.versions.set(snapshot.serviceId, snapshot.version);
    this.unindex(snapshot.serviceId);
    if (snapshot.deleted) return true;
    const service = toRoutable(snapshot);
    this.services.set(service.serviceId, service);
    this.index(service);
    return true;
  }

  /** Applies a PresetServiceAccessChanged; false when older than what is known (ignored). */
  applyPresetAccess(change: PresetAccessChange): boolean {
    const key = accessKey(change.accountId, change.serviceId);
    const known = this.access.get(key);
    if (known !== undefined && change.version <= known.version) return false;
    this.access.set(key, { enabled: change.enabled, version: change.version });
    return true;
  }

  get(serviceId: string): RoutableService | undefined {
    return this.services.get(serviceId);
  }

  get size(): number {
    return this.services.size;
  }

  isPresetEnabled(accountId: string, serviceId: string): boolean {
    return this.access.get(accessKey(accountId, serviceId))?.enabled === true;
  }

  /**
   * `model` among the project's own services (by name), then among the region's preset
   * services (SPEC §8). A known service that cannot be called now answers `not_callable`;
   * a preset service the account has not enabled answers `preset_not_enabled`.
   */
  resolve(projectId: string, accountId: string, model: string): Resolution {
    const own = this.candidates(this.ownByName.get(nameKey(projectId, model)))[0];
    if (own) return own.callable ? { ok: true, service: own } : notCallable(own);
    return this.resolvePreset(accountId, model);
  }

  /**
   * What the caller may see on /v1/models: the project's own services and the preset
   * services the account enabled, in every state (the caller filters on `callable` if it
   * lists only what answers now); a preset service shadowed by an own service of the same
   * name is left out, as resolve would never reach it. Sorted by name.
   */
  listFor(projectId: string, accountId: string): RoutableService[] {
    const out: RoutableService[] = [];
    const names = new Set<string>();
    for (const service of this.services.values()) {
      if (service.projectId !== projectId || names.has(service.name)) continue;
      out.push(this.candidates(this.ownByName.get(nameKey(projectId, service.name)))[0]);
      names.add(service.name);
    }
    for (const [name, ids] of this.presetsByName) {
      if (names.has(name)) continue;
      const enabled = this.candidates(ids).filter((s) =>
        this.isPresetEnabled(accountId, s.serviceId),
      );
      if (enabled.length > 0) out.push(enabled[0]);
    }
    return out.sort(byName);
  }

  private resolvePreset(accountId: string, model: string): Resolution {
    const ids = this.presetsByName.get(model);
    if (!ids) return { ok: false, reason: 'unknown_model' };
    const candidates = this.candidates(ids);
    const enabled = candidates.filter((s) => this.isPresetEnabled(accountId, s.serviceId));
    if (enabled.length === 0) {
      return { ok: false, reason: 'preset_not_enabled', service: candidates[0] };
    }
    const callable = enabled.find((s) => s.callable);
    return callable ? { ok: true, service: callable } : notCallable(enabled[0]);
  }

  /** Services of one name, callable first, then by id (a stable pick). */
  private candidates(ids: ReadonlySet<string> | undefined): RoutableService[] {
    if (!ids) return [];
    if (ids.size === 1) {
      // The usual case on the hot path: one service of that name, no sorting.
      const service = this.services.get(ids.values().next().value as string);
      return service ? [service] : [];
    }
    const found: RoutableService[] = [];
    for (const id of ids) {
      const service = this.services.get(id);
      if (service) found.push(service);
    }
    return found.sort(
      (a, b) => Number(b.callable) - Number(a.callable) || (a.serviceId < b.serviceId ? -1 : 1),
    );
  }

  private index(service: RoutableService): void {
    // A preset service is called by its name from any project; inside its own (platform)
    // project it is also an own service.
    addTo(this.ownByName, nameKey(service.projectId, service.name), service.serviceId);
    if (service.preset) addTo(this.presetsByName, service.name, service.serviceId);
  }

  private unindex(serviceId: string): void {
    const previous = this.services.get(serviceId);
    if (!previous) return;
    this.services.delete(serviceId);
    removeFrom(this.ownByName, nameKey(previous.projectId, previous.name), serviceId);
    removeFrom(this.presetsByName, previous.name, serviceId);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key) ?? new Set<string>();
  ids.add(id);
  index.set(key, ids);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}

function notCallable(service: RoutableService): Resolution {
  return { ok: false, reason: 'not_callable', service };
}
