import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { LABEL } from '../../workloads/labels.js';

/**
 * The non-terminated pods of other workloads and other installations bound to `nodes` (our
 * installation's are in the cache), in one live list request — as admission reads them.
 */
export async function otherPodsOn(
  nodes: readonly V1Node[],
  kube: Pick<KubeClient, 'listPods'>,
  installation: string,
): Promise<V1Pod[]> {
  const names = new Set(nodes.map((n) => n.metadata?.name));
  // `!=` also selects pods without the label: every workload that is not ours.
  const list = await kube.listPods({
    fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
    labelSelector: `${LABEL.installation}!=${installation}`,
    resourceVersion: '0',
  });
  return list.items.filter((p) => names.has(p.spec?.nodeName));
}
