import { type V1Node, type V1Pod } from '@kubernetes/client-node';
import { type KubeClient } from '../../kubernetes/kube-client.js';
import { LABEL } from '../../workloads/labels.js';

/** Source of the other workloads' pods bound to some nodes (admission, group room). */
export interface OtherPodsSource {
  on(nodes: readonly V1Node[]): Promise<V1Pod[]>;
}

/**
 * How long one list of other workloads' pods answers later passes, from when its request
 * was sent. A 100-service burst on one pool is admitted in two or three passes one after
 * the other, each of which listed again (0.5–2.7 s with 1,000 foreign pods in the cluster:
 * docs/benchmarks.md, Reconciler, 13:32 UTC).
 */
export const OTHER_PODS_MAX_AGE_MS = 3_000;

/**
 * The non-terminated pods of other workloads and other installations (ours are in the
 * cache), read live in one list of the whole cluster, filtered here by node. Passes that ask
 * while a list is in flight share it (as SharedReads), and its answer serves the passes that
 * start within OTHER_PODS_MAX_AGE_MS of its request being sent.
 *
 * What the reuse costs: a pod of another workload bound in that window is missed, so
 * admission may count room that is gone (README "Admission"). Our pod then stays Pending, the
 * service waits in `deploying` for the room and fails only past SCHEDULING_DEADLINE_SECONDS
 * (SPEC "deployment_failed") — the same as for a foreign pod bound just after a live list,
 * a race a live list never closed; the window only widens it by at most the max age. A pod
 * that left in the window is still counted: a queued service waits for the next pass.
 */
export class OtherPods implements OtherPodsSource {
  private last:
    { readonly sentAt: number; readonly pods: Promise<V1Pod[]>; settled: boolean } | undefined;

  constructor(
    private readonly kube: Pick<KubeClient, 'listPods'>,
    private readonly installation: string,
    private readonly maxAgeMs = OTHER_PODS_MAX_AGE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async on(nodes: readonly V1Node[]): Promise<V1Pod[]> {
    const names = new Set(nodes.map((n) => n.metadata?.name));
    return (await this.all()).filter((p) => names.has(p.spec?.nodeName));
  }

  private all(): Promise<V1Pod[]> {
    const now = this.now();
    const last = this.last;
    if (last && (!last.settled || now - last.sentAt <= this.maxAgeMs)) return last.pods;
    const entry = { sentAt: now, pods: this.list(), settled: false };
    this.last = entry;
    entry.pods.then(
      () => (entry.settled = true),
      // A failed list answers only the passes that shared it; the next pass lists again.
      () => {
        if (this.last === entry) this.last = undefined;
      },
    );
    return entry.pods;
  }

  private async list(): Promise<V1Pod[]> {
    // `!=` also selects pods without the label: every workload that is not ours.
    const list = await this.kube.listPods({
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      labelSelector: `${LABEL.installation}!=${this.installation}`,
      resourceVersion: '0',
    });
    return list.items;
  }
}
