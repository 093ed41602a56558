import { type V1Deployment, type V1Service, type V1StatefulSet } from '@kubernetes/client-node';
import { DomainError } from '@maas/errors';
import { type ModelCatalog, renderServerContainer } from '../../catalog/index.js';
import { type ModelServiceEntity } from '../../model-services/model-service.entity.js';
import { type PoolEntity } from '../../pools/pool.entity.js';
import { desiredDeployment, type ServiceShape } from '../desired/desired-objects.js';
import {
  desiredGroupStatefulSet,
  desiredLeaderService,
  desiredMembersService,
} from '../desired/group-objects.js';

export type RenderedWorkload =
  | { readonly ok: true; readonly deployment: V1Deployment; readonly shape: ServiceShape }
  /** Cannot be run as it is (terminal): the reason to report. */
  | { readonly ok: false; readonly reason: string };

export function serviceShape(row: ModelServiceEntity): ServiceShape {
  return {
    id: row.id,
    name: row.name,
    accountId: row.accountId,
    projectId: row.projectId,
    namespace: row.k8sNamespace,
    objectName: row.k8sName,
    modelId: row.modelId,
    modelVersion: row.modelVersion,
    poolId: row.poolId,
  };
}

/**
 * The Deployment a service should have (with `replicas` instances), from the catalog
 * (image, command, args, port, readiness path) and the pool (node selector, taint, NPU
 * resource). Multi-node flavors (an instance spanning servers) are refused: this reconciler
 * runs single-node instances only (see the README).
 */
export function renderWorkload(
  row: ModelServiceEntity,
  pool: PoolEntity,
  catalog: ModelCatalog,
  options: { installation: string; replicas: number },
): RenderedWorkload {
  if (row.nodesPerInstance > 1)
    return {
      ok: false,
      reason:
        `Flavor ${row.flavorId} spans ${row.nodesPerInstance} servers per instance; this ` +
        'installation runs single-server flavors only. Redeploy with a single-server flavor.',
    };
  const resolved = catalog.resolve({
    modelId: row.modelId,
    version: row.modelVersion,
    variant: row.variantId,
  });
  if (resolved instanceof DomainError) return { ok: false, reason: resolved.message };
  const container = renderServerContainer(resolved, {
    servedModelName: row.name,
    flavorId: row.flavorId,
  });
  if (container instanceof DomainError) return { ok: false, reason: container.message };
  const flavor = catalog.flavor(row.flavorId);
  const shape = serviceShape(row);
  const deployment = desiredDeployment({
    service: shape,
    pool,
    container,
    resources: {
      npus: row.npusPerInstance / row.nodesPerInstance,
      cpu: flavor?.cpu ?? 1,
      memoryGib: flavor?.memoryGib ?? 1,
    },
    installation: options.installation,
    replicas: options.replicas,
  });
  return { ok: true, deployment, shape };
}

/** The objects of a service of instance groups (multi-server flavor). */
export interface RenderedGroups {
  readonly ok: true;
  readonly shape: ServiceShape;
  /** Servers (pods) per group. */
  readonly groupSize: number;
  /** The StatefulSet of group k. */
  readonly statefulSet: (group: number) => V1StatefulSet;
  readonly membersService: V1Service;
  /** The leader Service, headless or (one made before they were) with a virtual IP. */
  readonly leaderService: (headless: boolean) => V1Service;
}

/**
 * The objects of a multi-server service (`nodes_per_instance` > 1): one StatefulSet per
 * group, the headless members Service and the leader Service (see desired/group-objects.ts).
 * The model server's command line comes from the catalog like a single-server one's (tensor
 * parallel = NPUs per server, pipeline parallel = servers); `groupCommand` wraps it per role.
 */
export function renderGroups(
  row: ModelServiceEntity,
  pool: PoolEntity,
  catalog: ModelCatalog,
  options: { installation: string },
): RenderedGroups | { readonly ok: false; readonly reason: string } {
  const resolved = catalog.resolve({
    modelId: row.modelId,
    version: row.modelVersion,
    variant: row.variantId,
  });
  if (resolved instanceof DomainError) return { ok: false, reason: resolved.message };
  const container = renderServerContainer(resolved, {
    servedModelName: row.name,
    flavorId: row.flavorId,
  });
  if (container instanceof DomainError) return { ok: false, reason: container.message };
  const flavor = catalog.flavor(row.flavorId);
  const shape = serviceShape(row);
  const groupSize = row.nodesPerInstance;
  const base = {
    service: shape,
    pool,
    container,
    resources: {
      npus: row.npusPerInstance / groupSize,
      cpu: flavor?.cpu ?? 1,
      memoryGib: flavor?.memoryGib ?? 1,
    },
    installation: options.installation,
    groupSize,
  };
  return {
    ok: true,
    shape,
    groupSize,
    statefulSet: (group) => desiredGroupStatefulSet({ ...base, group }),
    membersService: desiredMembersService(shape, options.installation),
    leaderService: (headless) =>
      desiredLeaderService(shape, options.installation, row.port, headless),
  };
}
