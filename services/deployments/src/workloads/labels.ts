/**
 * Labels the reconciler puts on (and selects) its Kubernetes objects; the service logs and
 * resource usage find the pods by them. Here, not in reconciler/, because those readers
 * must not depend on the reconciler.
 */
export const LABEL = {
  serviceId: 'maas.io/service-id',
  pool: 'maas.io/pool',
  model: 'maas.io/model',
  modelVersion: 'maas.io/model-version',
  projectId: 'maas.io/project-id',
  /** On pods: the tenant account (also the node label the operator assigns nodes with). */
  account: 'maas.io/account',
  /** Which installation (RECONCILER_INSTALLATION) owns the object. */
  installation: 'maas.io/installation',
  /** Hash of the pod template: pods of the current spec carry the current value. */
  revision: 'maas.io/revision',
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
} as const;

export const ANNOTATION = {
  /** Hash of everything we apply to the object: equal hash → the apply is skipped. */
  specHash: 'maas.io/spec-hash',
  serviceName: 'maas.io/service-name',
} as const;

export const MANAGED_BY = 'maas';

/** Removed only after the service's objects and pods are gone (see the delete flow). */
export const FINALIZER = 'maas.io/cleanup';

/** The model server's container and port names. */
export const CONTAINER_NAME = 'model-server';
export const PORT_NAME = 'http';

/** Selector of every object of one installation that belongs to a service. */
export function installationSelector(installation: string): string {
  return `${LABEL.serviceId},${LABEL.installation}=${installation}`;
}
